/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * DXGK ABI of the WDDM physical memory object service, for Linux kernel code.
 *
 * The type, structure, member and enumerator names, their order and the
 * numeric values are those documented for Windows' d3dkmddi.h, dispmprt.h,
 * wdm.h and ntstatus.h, so that a Windows display miniport's calls to these
 * Dxgkrnl callbacks compile unchanged against dxgkpm. Only what this service
 * needs is declared. The layouts are the x64 ones, checked at the end of the
 * file.
 *
 * The Windows names break the kernel's naming style on purpose: they are the
 * contract. dxgkpm's own code uses them only at the DXGK boundary.
 */
#ifndef _DXGKPM_D3DKMDDI_H
#define _DXGKPM_D3DKMDDI_H

#include <linux/build_bug.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* -------------------------------------------------------------------------
 * Windows base types (LLP64 on Windows, so LONG and ULONG are 32 bits wide).
 */
#ifndef VOID
#define VOID void
#endif

typedef void *PVOID;
typedef void *HANDLE;
typedef const HANDLE IN_CONST_HANDLE;
typedef u8 UCHAR;
typedef u8 BOOLEAN;
typedef char CHAR;
typedef char *PCHAR;
typedef s16 CSHORT;
typedef u16 USHORT;
typedef s32 INT;
typedef u32 UINT;
typedef u32 UINT32;
typedef s32 LONG;
typedef u32 ULONG;
typedef s64 LONGLONG;
typedef u64 ULONGLONG;
typedef u64 UINT64;
typedef unsigned long ULONG_PTR;
typedef ULONG_PTR SIZE_T;
typedef ULONG ACCESS_MASK;
typedef LONG NTSTATUS;

typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef ULONG_PTR PFN_NUMBER, *PPFN_NUMBER;

/*
 * OBJECT_ATTRIBUTES (wudfwdm.h/ntdef.h). Sections here are unnamed: dxgkpm
 * accepts NULL or attributes with neither ObjectName nor RootDirectory.
 */
typedef struct _OBJECT_ATTRIBUTES {
	ULONG Length;
	HANDLE RootDirectory;
	struct _UNICODE_STRING *ObjectName;
	ULONG Attributes;
	PVOID SecurityDescriptor;
	PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define OBJ_KERNEL_HANDLE	0x00000200

static inline VOID InitializeObjectAttributes(POBJECT_ATTRIBUTES p,
					      struct _UNICODE_STRING *n,
					      ULONG a, HANDLE r, PVOID s)
{
	p->Length = sizeof(OBJECT_ATTRIBUTES);
	p->RootDirectory = r;
	p->Attributes = a;
	p->ObjectName = n;
	p->SecurityDescriptor = s;
	p->SecurityQualityOfService = NULL;
}

/* Calling conventions and SAL annotations carry no meaning here. */
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef _In_
#define _In_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _Inout_
#define _Inout_
#endif

/* -------------------------------------------------------------------------
 * NTSTATUS (ntstatus.h). NT_SUCCESS is true for success and informational
 * codes, false for warnings and errors.
 */
#define NT_SUCCESS(Status)		(((NTSTATUS)(Status)) >= 0)

#define STATUS_SUCCESS			((NTSTATUS)0x00000000L)
#define STATUS_UNSUCCESSFUL		((NTSTATUS)0xC0000001L)
#define STATUS_NOT_IMPLEMENTED		((NTSTATUS)0xC0000002L)
#define STATUS_INVALID_HANDLE		((NTSTATUS)0xC0000008L)
#define STATUS_INVALID_PARAMETER	((NTSTATUS)0xC000000DL)
#define STATUS_NO_SUCH_DEVICE		((NTSTATUS)0xC000000EL)
#define STATUS_INVALID_DEVICE_REQUEST	((NTSTATUS)0xC0000010L)
#define STATUS_NO_MEMORY		((NTSTATUS)0xC0000017L)
#define STATUS_CONFLICTING_ADDRESSES	((NTSTATUS)0xC0000018L)
#define STATUS_ACCESS_DENIED		((NTSTATUS)0xC0000022L)
#define STATUS_BUFFER_TOO_SMALL		((NTSTATUS)0xC0000023L)
#define STATUS_REVISION_MISMATCH	((NTSTATUS)0xC0000059L)
#define STATUS_INSUFFICIENT_RESOURCES	((NTSTATUS)0xC000009AL)
#define STATUS_NOT_SUPPORTED		((NTSTATUS)0xC00000BBL)
#define STATUS_CANCELLED		((NTSTATUS)0xC0000120L)
#define STATUS_INVALID_ADDRESS		((NTSTATUS)0xC0000141L)
#define STATUS_INVALID_DEVICE_STATE	((NTSTATUS)0xC0000184L)
#define STATUS_DEVICE_BUSY		((NTSTATUS)0x80000011L)

/* -------------------------------------------------------------------------
 * MDL (wdm.h): a header followed by an array of page frame numbers.
 */
typedef struct _MDL {
	struct _MDL *Next;
	CSHORT Size;
	CSHORT MdlFlags;
	void *Process;
	PVOID MappedSystemVa;
	PVOID StartVa;
	ULONG ByteCount;
	ULONG ByteOffset;
} MDL, *PMDL;

#define MDL_MAPPED_TO_SYSTEM_VA		0x0001
#define MDL_PAGES_LOCKED		0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL	0x0004
#define MDL_ALLOCATED_FIXED_SIZE	0x0008
#define MDL_PARTIAL			0x0010

#define BYTE_OFFSET(Va)		((ULONG)((ULONG_PTR)(Va) & (PAGE_SIZE - 1)))
#define PAGE_ALIGN_VA(Va)	((PVOID)((ULONG_PTR)(Va) & ~(PAGE_SIZE - 1)))
#define BYTES_TO_PAGES(Size)	((ULONG)(((SIZE_T)(Size) + PAGE_SIZE - 1) >> \
					 PAGE_SHIFT))
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size) \
	((ULONG)((((ULONG_PTR)(Va) & (PAGE_SIZE - 1)) + (Size) + \
		  (PAGE_SIZE - 1)) >> PAGE_SHIFT))

#define MmGetMdlPfnArray(Mdl)		((PPFN_NUMBER)((Mdl) + 1))
#define MmGetMdlByteCount(Mdl)		((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl)		((Mdl)->ByteOffset)
#define MmGetMdlBaseVa(Mdl)		((Mdl)->StartVa)

/* Windows has these as macros; functions keep the arguments single-use. */
static inline PVOID MmGetMdlVirtualAddress(const MDL *Mdl)
{
	return (PCHAR)Mdl->StartVa + Mdl->ByteOffset;
}

/* Bytes needed for an MDL that describes Length bytes starting at Base. */
static inline SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length)
{
	return sizeof(MDL) + sizeof(PFN_NUMBER) *
	       ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}

static inline VOID MmInitializeMdl(PMDL MemoryDescriptorList, PVOID BaseVa,
				   SIZE_T Length)
{
	MemoryDescriptorList->Next = NULL;
	MemoryDescriptorList->Size = (CSHORT)MmSizeOfMdl(BaseVa, Length);
	MemoryDescriptorList->MdlFlags = 0;
	MemoryDescriptorList->Process = NULL;
	MemoryDescriptorList->MappedSystemVa = NULL;
	MemoryDescriptorList->StartVa = PAGE_ALIGN_VA(BaseVa);
	MemoryDescriptorList->ByteCount = (ULONG)Length;
	MemoryDescriptorList->ByteOffset = BYTE_OFFSET(BaseVa);
}

/*
 * MmGetPhysicalAddress() (ntddk.h): the CPU physical address of a byte of
 * resident kernel memory, in the linear map or in a vmap() view such as
 * the pMemory of DxgkCbAllocateContiguousMemory. Under the WDDM 2.4
 * isolation model it is also the device address of that byte.
 */
static inline PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress)
{
	PHYSICAL_ADDRESS pa;

	if (is_vmalloc_addr(BaseAddress))
		pa.QuadPart = PFN_PHYS(vmalloc_to_pfn(BaseAddress)) +
			      offset_in_page(BaseAddress);
	else
		pa.QuadPart = virt_to_phys(BaseAddress);
	return pa;
}

/* -------------------------------------------------------------------------
 * MmAllocatePagesForMdlEx flags (wdm.h), used in Mdl.Flags and
 * DXGKARGCB_ALLOCATEPAGESFORMDL::Flags.
 */
#define MM_DONT_ZERO_ALLOCATION			0x00000001
#define MM_ALLOCATE_FROM_LOCAL_NODE_ONLY	0x00000002
#define MM_ALLOCATE_FULLY_REQUIRED		0x00000004
#define MM_ALLOCATE_NO_WAIT			0x00000008
#define MM_ALLOCATE_PREFER_CONTIGUOUS		0x00000010
#define MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS	0x00000020
#define MM_ALLOCATE_FAST_LARGE_PAGES		0x00000040
#define MM_ALLOCATE_AND_HOT_REMOVE		0x00000100

/*
 * Section page protections and attributes (winnt.h). PAGE_READONLY is the
 * one Windows name that Linux already uses (a pgprot_t on x86): ported code
 * that assigns it to a ULONG fails to compile instead of passing the wrong
 * value, and is changed to NT_PAGE_READONLY.
 */
#define NT_PAGE_READONLY	0x02
#define PAGE_READWRITE		0x04
#define PAGE_WRITECOPY		0x08
#define PAGE_EXECUTE		0x10
#define SEC_COMMIT		0x08000000
#define SEC_NOCACHE		0x10000000
#define SEC_WRITECOMBINE	0x40000000

/* -------------------------------------------------------------------------
 * Enumerations (d3dkmddi.h).
 */
typedef enum _DXGK_PHYSICAL_MEMORY_TYPE {
	DXGK_PHYSICAL_MEMORY_TYPE_MDL,
	DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
	DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
} DXGK_PHYSICAL_MEMORY_TYPE;

typedef enum _DXGK_MEMORY_CACHING_TYPE {
	DXGK_MEMORY_CACHING_TYPE_NON_CACHED,
	DXGK_MEMORY_CACHING_TYPE_CACHED,
	DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED,
} DXGK_MEMORY_CACHING_TYPE;

typedef enum _DXGK_ACCESS_MODE {
	DXGK_ACCESS_MODE_KERNEL_MODE,
	DXGK_ACCESS_MODE_USER_MODE,
} DXGK_ACCESS_MODE;

#define DXGKQAITYPE_PHYSICAL_MEMORY_CAPS	34
#define DXGKQAITYPE_IOMMU_CAPS			35

/* -------------------------------------------------------------------------
 * Address descriptor list.
 */
typedef ULONG_PTR DXGK_PAGE_NUMBER;

typedef struct _DXGK_ADL_FLAGS {
	union {
		struct {
			UINT32 Contiguous : 1;
			UINT32 Reserved : 31;
		};
		UINT32 Value;
	};
} DXGK_ADL_FLAGS;

typedef struct _DXGK_ADL {
	UINT32 PageCount;
	DXGK_ADL_FLAGS Flags;
	union {
		DXGK_PAGE_NUMBER BasePageNumber;
		const DXGK_PAGE_NUMBER *Pages;
	};
} DXGK_ADL;

/* -------------------------------------------------------------------------
 * Capabilities.
 */
typedef struct _DXGK_IOMMU_CAPS {
	union {
		struct {
			UINT32 IommuIsolationSupported : 1;
			UINT32 IommuIsolationRequired : 1;
			UINT32 DmaRemappingSupported : 1;
			UINT32 GpuVaIommuRequired : 1;
			UINT32 GpuVaIommuGlobalRequired : 1;
			UINT32 Reserved : 27;
		};
		UINT32 Value;
	};
} DXGK_IOMMU_CAPS;

typedef struct _DXGK_PHYSICAL_MEMORY_CAPS {
	PHYSICAL_ADDRESS HighestVisibleAddress;
} DXGK_PHYSICAL_MEMORY_CAPS;

typedef struct _DXGK_PHYSICAL_MEMORY_RANGE {
	PHYSICAL_ADDRESS BaseAddress;
	LARGE_INTEGER NumberOfBytes;
} DXGK_PHYSICAL_MEMORY_RANGE;

/* -------------------------------------------------------------------------
 * WDDM 2.9 physical memory object callbacks: argument structures.
 */
typedef struct _DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT {
	HANDLE hAdapter;
	SIZE_T Size;
	ULONG_PTR Context;
	DXGK_PHYSICAL_MEMORY_TYPE Type;
	DXGK_MEMORY_CACHING_TYPE CacheType;
	union {
		struct {
			PHYSICAL_ADDRESS LowAddress;
			PHYSICAL_ADDRESS HighAddress;
			PHYSICAL_ADDRESS SkipBytes;
			UINT Flags;
		} Mdl;
		struct {
			PHYSICAL_ADDRESS LowestAcceptableAddress;
			PHYSICAL_ADDRESS HighestAcceptableAddress;
			PHYSICAL_ADDRESS BoundaryAddressMultiple;
		} ContiguousMemory;
		struct {
			ACCESS_MASK DesiredAccess;
			POBJECT_ATTRIBUTES ObjectAttributes;
			ULONG PageProtection;
			ULONG AllocationAttributes;
		} Section;
		struct {
			PHYSICAL_ADDRESS BaseAddress;
		} IOSpace;
	};
	HANDLE hPhysicalMemoryObject;
	HANDLE hAdapterMemoryObject;
} DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT;

typedef struct _DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT {
	HANDLE hPhysicalMemoryObject;
	HANDLE hAdapterMemoryObject;
} DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT;

typedef struct _DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT {
	HANDLE hPhysicalMemoryObject;
	HANDLE hAdapter;
	HANDLE hAdapterMemoryObject;
} DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT;

typedef struct _DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT {
	HANDLE hAdapterMemoryObject;
} DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT;

typedef struct _DXGKARGCB_MAP_PHYSICAL_MEMORY {
	HANDLE hPhysicalMemoryObject;
	DXGK_ACCESS_MODE AccessMode;
	SIZE_T Offset;
	SIZE_T Size;
	void *pMappedAddress;
} DXGKARGCB_MAP_PHYSICAL_MEMORY;

typedef struct _DXGKARGCB_UNMAP_PHYSICAL_MEMORY {
	HANDLE hPhysicalMemoryObject;
	void *pBaseAddress;
	SIZE_T Size;
} DXGKARGCB_UNMAP_PHYSICAL_MEMORY;

typedef struct _DXGKARGCB_ALLOCATE_ADL {
	HANDLE hAdapterMemoryObject;
	SIZE_T Offset;
	SIZE_T Size;
	union {
		struct {
			UINT32 RequireContiguous : 1;
			UINT32 PreferContiguous : 1;
			UINT32 Reserved : 30;
		};
		UINT32 Value;
	} Flags;
	DXGK_ADL *pAdl;
} DXGKARGCB_ALLOCATE_ADL;

typedef struct _DXGKARGCB_FREE_ADL {
	HANDLE hAdapterMemoryObject;
	DXGK_ADL *pAdl;
} DXGKARGCB_FREE_ADL;

typedef struct _DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT
	*IN_OUT_PDXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT;
typedef const struct _DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT
	*IN_CONST_PDXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT;
typedef struct _DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT
	*IN_OUT_PDXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT;
typedef const struct _DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT
	*IN_CONST_PDXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT;
typedef struct _DXGKARGCB_MAP_PHYSICAL_MEMORY
	*IN_OUT_PDXGKARGCB_MAP_PHYSICAL_MEMORY;
typedef const struct _DXGKARGCB_UNMAP_PHYSICAL_MEMORY
	*IN_CONST_PDXGKARGCB_UNMAP_PHYSICAL_MEMORY;
typedef struct _DXGKARGCB_ALLOCATE_ADL *IN_OUT_PDXGKARGCB_ALLOCATE_ADL;
typedef const struct _DXGKARGCB_FREE_ADL *IN_CONST_PDXGKARGCB_FREE_ADL;

/*
 * The callback types (DXGKCB_*) and the pointer types of the interface
 * members (PDXGKCB_*). APIENTRY and CALLBACK are left out: both are empty.
 */
typedef NTSTATUS DXGKCB_CREATEPHYSICALMEMORYOBJECT
	(IN_OUT_PDXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT pArgs);
typedef VOID DXGKCB_DESTROYPHYSICALMEMORYOBJECT
	(IN_CONST_PDXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT pArgs);
typedef NTSTATUS DXGKCB_OPENPHYSICALMEMORYOBJECT
	(IN_OUT_PDXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT pArgs);
typedef VOID DXGKCB_CLOSEPHYSICALMEMORYOBJECT
	(IN_CONST_PDXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT pArgs);
typedef NTSTATUS DXGKCB_MAPPHYSICALMEMORY
	(IN_OUT_PDXGKARGCB_MAP_PHYSICAL_MEMORY pArgs);
typedef VOID DXGKCB_UNMAPPHYSICALMEMORY
	(IN_CONST_PDXGKARGCB_UNMAP_PHYSICAL_MEMORY pArgs);
typedef NTSTATUS DXGKCB_ALLOCATEADL(IN_OUT_PDXGKARGCB_ALLOCATE_ADL pArgs);
typedef VOID DXGKCB_FREEADL(IN_CONST_PDXGKARGCB_FREE_ADL pArgs);

typedef DXGKCB_CREATEPHYSICALMEMORYOBJECT *PDXGKCB_CREATEPHYSICALMEMORYOBJECT;
typedef DXGKCB_DESTROYPHYSICALMEMORYOBJECT *PDXGKCB_DESTROYPHYSICALMEMORYOBJECT;
typedef DXGKCB_OPENPHYSICALMEMORYOBJECT *PDXGKCB_OPENPHYSICALMEMORYOBJECT;
typedef DXGKCB_CLOSEPHYSICALMEMORYOBJECT *PDXGKCB_CLOSEPHYSICALMEMORYOBJECT;
typedef DXGKCB_MAPPHYSICALMEMORY *PDXGKCB_MAPPHYSICALMEMORY;
typedef DXGKCB_UNMAPPHYSICALMEMORY *PDXGKCB_UNMAPPHYSICALMEMORY;
typedef DXGKCB_ALLOCATEADL *PDXGKCB_ALLOCATEADL;
typedef DXGKCB_FREEADL *PDXGKCB_FREEADL;

/* -------------------------------------------------------------------------
 * WDDM 2.4 IOMMU isolation callbacks: argument structures.
 */
typedef struct _DXGKARGCB_ALLOCATECONTIGUOUSMEMORY {
	SIZE_T NumberOfBytes;
	PHYSICAL_ADDRESS LowestAcceptableAddress;
	PHYSICAL_ADDRESS HighestAcceptableAddress;
	PHYSICAL_ADDRESS BoundaryAddressMultiple;
	DXGK_MEMORY_CACHING_TYPE CacheType;
	HANDLE hMemoryHandle;
	PVOID pMemory;
} DXGKARGCB_ALLOCATECONTIGUOUSMEMORY;

typedef struct _DXGKARGCB_FREECONTIGUOUSMEMORY {
	HANDLE hMemoryHandle;
} DXGKARGCB_FREECONTIGUOUSMEMORY;

typedef struct _DXGKARGCB_ALLOCATEPAGESFORMDL {
	PHYSICAL_ADDRESS LowAddress;
	PHYSICAL_ADDRESS HighAddress;
	PHYSICAL_ADDRESS SkipBytes;
	SIZE_T TotalBytes;
	DXGK_MEMORY_CACHING_TYPE CacheType;
	ULONG Flags;
	HANDLE hMemoryHandle;
	PMDL pMdl;
} DXGKARGCB_ALLOCATEPAGESFORMDL;

typedef struct _DXGKARGCB_FREEPAGESFROMMDL {
	HANDLE hMemoryHandle;
} DXGKARGCB_FREEPAGESFROMMDL;

typedef struct _DXGKARGCB_MAPMDLTOIOMMU {
	PMDL pMdl;
	HANDLE hMemoryHandle;
} DXGKARGCB_MAPMDLTOIOMMU;

typedef struct _DXGKARGCB_UNMAPMDLFROMIOMMU {
	HANDLE hMemoryHandle;
} DXGKARGCB_UNMAPMDLFROMIOMMU;

typedef struct _DXGKARGCB_ALLOCATECONTIGUOUSMEMORY
	*INOUT_PDXGKARGCB_ALLOCATECONTIGUOUSMEMORY;
typedef const struct _DXGKARGCB_FREECONTIGUOUSMEMORY
	*IN_CONST_PDXGKARGCB_FREECONTIGUOUSMEMORY;
typedef struct _DXGKARGCB_ALLOCATEPAGESFORMDL
	*INOUT_PDXGKARGCB_ALLOCATEPAGESFORMDL;
typedef const struct _DXGKARGCB_FREEPAGESFROMMDL
	*IN_CONST_PDXGKARGCB_FREEPAGESFROMMDL;
typedef struct _DXGKARGCB_MAPMDLTOIOMMU *INOUT_PDXGKARGCB_MAPMDLTOIOMMU;
typedef const struct _DXGKARGCB_UNMAPMDLFROMIOMMU
	*IN_CONST_PDXGKARGCB_UNMAPMDLFROMIOMMU;

typedef NTSTATUS DXGKCB_ALLOCATECONTIGUOUSMEMORY
	(IN_CONST_HANDLE hAdapter,
	 INOUT_PDXGKARGCB_ALLOCATECONTIGUOUSMEMORY pAllocateContiguousMemory);
typedef NTSTATUS DXGKCB_FREECONTIGUOUSMEMORY
	(IN_CONST_HANDLE hAdapter,
	 IN_CONST_PDXGKARGCB_FREECONTIGUOUSMEMORY pFreeContiguousMemory);
typedef NTSTATUS DXGKCB_ALLOCATEPAGESFORMDL
	(IN_CONST_HANDLE hAdapter,
	 INOUT_PDXGKARGCB_ALLOCATEPAGESFORMDL pAllocatePagesForMdl);
typedef NTSTATUS DXGKCB_FREEPAGESFROMMDL
	(IN_CONST_HANDLE hAdapter,
	 IN_CONST_PDXGKARGCB_FREEPAGESFROMMDL pFreePagesFromMdl);
typedef NTSTATUS DXGKCB_MAPMDLTOIOMMU
	(IN_CONST_HANDLE hAdapter,
	 INOUT_PDXGKARGCB_MAPMDLTOIOMMU pMapMdlToIoMmu);
typedef VOID DXGKCB_UNMAPMDLFROMIOMMU
	(IN_CONST_HANDLE hAdapter,
	 IN_CONST_PDXGKARGCB_UNMAPMDLFROMIOMMU pUnmapMdlFromIoMmu);

typedef DXGKCB_ALLOCATECONTIGUOUSMEMORY *PDXGKCB_ALLOCATECONTIGUOUSMEMORY;
typedef DXGKCB_FREECONTIGUOUSMEMORY *PDXGKCB_FREECONTIGUOUSMEMORY;
typedef DXGKCB_ALLOCATEPAGESFORMDL *PDXGKCB_ALLOCATEPAGESFORMDL;
typedef DXGKCB_FREEPAGESFROMMDL *PDXGKCB_FREEPAGESFROMMDL;
typedef DXGKCB_MAPMDLTOIOMMU *PDXGKCB_MAPMDLTOIOMMU;
typedef DXGKCB_UNMAPMDLFROMIOMMU *PDXGKCB_UNMAPMDLFROMIOMMU;

/* -------------------------------------------------------------------------
 * DXGKRNL_INTERFACE (dispmprt.h) and the interface versions (d3dukmdt.h).
 */
#define DXGKDDI_INTERFACE_VERSION_VISTA		0x1052
#define DXGKDDI_INTERFACE_VERSION_VISTA_SP1	0x1053
#define DXGKDDI_INTERFACE_VERSION_WIN7		0x2005
#define DXGKDDI_INTERFACE_VERSION_WIN8		0x300E
#define DXGKDDI_INTERFACE_VERSION_WDDM1_3	0x4002
#define DXGKDDI_INTERFACE_VERSION_WDDM1_3_PATH_INDEPENDENT_ROTATION 0x4003
#define DXGKDDI_INTERFACE_VERSION_WDDM2_0	0x5023
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1	0x6003
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1_5	0x6010
#define DXGKDDI_INTERFACE_VERSION_WDDM2_1_6	0x6011
#define DXGKDDI_INTERFACE_VERSION_WDDM2_2	0x700A
#define DXGKDDI_INTERFACE_VERSION_WDDM2_3	0x8001
#define DXGKDDI_INTERFACE_VERSION_WDDM2_4	0x9006
#define DXGKDDI_INTERFACE_VERSION_WDDM2_5	0xA00B
#define DXGKDDI_INTERFACE_VERSION_WDDM2_6	0xB004
#define DXGKDDI_INTERFACE_VERSION_WDDM2_7	0xC004
#define DXGKDDI_INTERFACE_VERSION_WDDM2_8	0xD001
#define DXGKDDI_INTERFACE_VERSION_WDDM2_9	0xE003
#define DXGKDDI_INTERFACE_VERSION_WDDM3_0	0xF003
#define DXGKDDI_INTERFACE_VERSION_WDDM3_1	0x10004

/* A macro on Windows; a function here, so that the argument is read once. */
static inline BOOLEAN IS_OFFICIAL_DDI_INTERFACE_VERSION(ULONG version)
{
	switch (version) {
	case DXGKDDI_INTERFACE_VERSION_VISTA:
	case DXGKDDI_INTERFACE_VERSION_VISTA_SP1:
	case DXGKDDI_INTERFACE_VERSION_WIN7:
	case DXGKDDI_INTERFACE_VERSION_WIN8:
	case DXGKDDI_INTERFACE_VERSION_WDDM1_3:
	case DXGKDDI_INTERFACE_VERSION_WDDM1_3_PATH_INDEPENDENT_ROTATION:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_0:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_1:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_1_5:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_1_6:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_2:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_3:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_4:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_5:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_6:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_7:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_8:
	case DXGKDDI_INTERFACE_VERSION_WDDM2_9:
	case DXGKDDI_INTERFACE_VERSION_WDDM3_0:
	case DXGKDDI_INTERFACE_VERSION_WDDM3_1:
		return 1;
	default:
		return 0;
	}
}

/*
 * The interface version a driver is compiled against. Windows gates the tail
 * of DXGKRNL_INTERFACE on it; dxgkpm always declares the whole structure, so
 * a caller only needs it for DXGKRNL_INTERFACE::Version.
 */
#ifndef DXGKDDI_INTERFACE_VERSION
#define DXGKDDI_INTERFACE_VERSION	DXGKDDI_INTERFACE_VERSION_WDDM2_9
#endif

/*
 * Members for Dxgkrnl services outside this service keep their documented
 * place and name so offsets match; dxgkpm always leaves them NULL.
 */
typedef void (*DXGKPM_UNSUPPORTED_CALLBACK)(void);

typedef struct _DXGKRNL_INTERFACE {
	ULONG Size;
	ULONG Version;
	HANDLE DeviceHandle;

	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbEvalAcpiMethod;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbGetDeviceInformation;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbIndicateChildStatus;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbMapMemory;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbQueueDpc;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbQueryServices;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbReadDeviceSpace;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSynchronizeExecution;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbUnmapMemory;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbWriteDeviceSpace;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbIsDevicePresent;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbGetHandleData;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbGetHandleParent;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbEnumHandleChildren;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbNotifyInterrupt;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbNotifyDpc;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbQueryVidPnInterface;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbQueryMonitorInterface;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbGetCaptureAddress;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbLogEtwEvent;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbExcludeAdapterAccess;

	/* WIN8 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbCreateContextAllocation;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbDestroyContextAllocation;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSetPowerComponentActive;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSetPowerComponentIdle;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbAcquirePostDisplayOwnership;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbPowerRuntimeControlRequest;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSetPowerComponentLatency;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSetPowerComponentResidency;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbCompleteFStateTransition;

	/* WDDM1_3 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbCompletePStateTransition;

	/* WDDM2_0 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbMapContextAllocation;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbUpdateContextAllocation;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbReserveGpuVirtualAddressRange;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbAcquireHandleData;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbReleaseHandleData;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbHardwareContentProtectionTeardown;

	/* WDDM2_1 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbMultiPlaneOverlayDisabled;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbMitigatedRangeUpdate;

	/* WDDM2_2 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbInvalidateHwContext;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbIndicateConnectorChange;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbUnblockUEFIFrameBufferRanges;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbAcquirePostDisplayOwnership2;

	/* WDDM2_3 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSetProtectedSessionStatus;

	/* WDDM2_4 */
	PDXGKCB_ALLOCATECONTIGUOUSMEMORY DxgkCbAllocateContiguousMemory;
	PDXGKCB_FREECONTIGUOUSMEMORY DxgkCbFreeContiguousMemory;
	PDXGKCB_ALLOCATEPAGESFORMDL DxgkCbAllocatePagesForMdl;
	PDXGKCB_FREEPAGESFROMMDL DxgkCbFreePagesFromMdl;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbPinFrameBufferForSave;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbUnpinFrameBufferForSave;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbMapFrameBufferPointer;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbUnmapFrameBufferPointer;
	PDXGKCB_MAPMDLTOIOMMU DxgkCbMapMdlToIoMmu;
	PDXGKCB_UNMAPMDLFROMIOMMU DxgkCbUnmapMdlFromIoMmu;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbReportDiagnostic;

	/* WDDM2_5 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSignalEvent;

	/* WDDM2_6 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbIsFeatureEnabled;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbSaveMemoryForHotUpdate;

	/* WDDM2_8 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbNotifyCursorSupportChange;

	/* WDDM2_9 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbQueryFeatureSupport;
	PDXGKCB_CREATEPHYSICALMEMORYOBJECT DxgkCbCreatePhysicalMemoryObject;
	PDXGKCB_DESTROYPHYSICALMEMORYOBJECT DxgkCbDestroyPhysicalMemoryObject;
	PDXGKCB_MAPPHYSICALMEMORY DxgkCbMapPhysicalMemory;
	PDXGKCB_UNMAPPHYSICALMEMORY DxgkCbUnmapPhysicalMemory;
	PDXGKCB_ALLOCATEADL DxgkCbAllocateAdl;
	PDXGKCB_FREEADL DxgkCbFreeAdl;
	PDXGKCB_OPENPHYSICALMEMORYOBJECT DxgkCbOpenPhysicalMemoryObject;
	PDXGKCB_CLOSEPHYSICALMEMORYOBJECT DxgkCbClosePhysicalMemoryObject;
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbPinFrameBufferForSave2;

	/* WDDM3_1 */
	DXGKPM_UNSUPPORTED_CALLBACK DxgkCbDisconnectDoorbell;
} DXGKRNL_INTERFACE, *PDXGKRNL_INTERFACE;

/* -------------------------------------------------------------------------
 * x64 layout, as derived from the documented member order (spec section 2).
 */
#ifdef CONFIG_64BIT
static_assert(sizeof(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT) == 0x50);
static_assert(offsetof(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT, Type) == 0x18);
static_assert(offsetof(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT, CacheType) == 0x1c);
static_assert(offsetof(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT, Mdl.Flags) == 0x38);
static_assert(offsetof(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT,
		       Section.PageProtection) == 0x30);
static_assert(offsetof(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT,
		       hPhysicalMemoryObject) == 0x40);
static_assert(sizeof(DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT) == 0x10);
static_assert(sizeof(DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT) == 0x18);
static_assert(sizeof(DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT) == 0x08);
static_assert(offsetof(DXGKARGCB_MAP_PHYSICAL_MEMORY, Offset) == 0x10);
static_assert(sizeof(DXGKARGCB_MAP_PHYSICAL_MEMORY) == 0x28);
static_assert(sizeof(DXGKARGCB_UNMAP_PHYSICAL_MEMORY) == 0x18);
static_assert(offsetof(DXGKARGCB_ALLOCATE_ADL, Flags) == 0x18);
static_assert(offsetof(DXGKARGCB_ALLOCATE_ADL, pAdl) == 0x20);
static_assert(sizeof(DXGKARGCB_ALLOCATE_ADL) == 0x28);
static_assert(sizeof(DXGKARGCB_FREE_ADL) == 0x10);
static_assert(offsetof(DXGK_ADL, BasePageNumber) == 0x08);
static_assert(sizeof(DXGK_ADL) == 0x10);
static_assert(sizeof(DXGK_PAGE_NUMBER) == sizeof(PFN_NUMBER));
static_assert(offsetof(DXGKARGCB_ALLOCATECONTIGUOUSMEMORY, CacheType) == 0x20);
static_assert(sizeof(DXGKARGCB_ALLOCATECONTIGUOUSMEMORY) == 0x38);
static_assert(offsetof(DXGKARGCB_ALLOCATEPAGESFORMDL, Flags) == 0x24);
static_assert(sizeof(DXGKARGCB_ALLOCATEPAGESFORMDL) == 0x38);
static_assert(sizeof(DXGKARGCB_MAPMDLTOIOMMU) == 0x10);
static_assert(sizeof(MDL) == 0x30);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbAllocateContiguousMemory) == 0x170);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbFreePagesFromMdl) == 0x188);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbMapMdlToIoMmu) == 0x1b0);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbUnmapMdlFromIoMmu) == 0x1b8);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbQueryFeatureSupport) == 0x1e8);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbCreatePhysicalMemoryObject) == 0x1f0);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbFreeAdl) == 0x218);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbClosePhysicalMemoryObject) == 0x228);
static_assert(offsetof(DXGKRNL_INTERFACE, DxgkCbDisconnectDoorbell) == 0x238);
#endif

#endif /* _DXGKPM_D3DKMDDI_H */
