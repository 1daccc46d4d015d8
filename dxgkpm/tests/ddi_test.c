// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for the DXGK face of dxgkpm (dxgkpm/ddi/ddi.c): how
 * dxgkpm_query_interface() hands out DXGKRNL_INTERFACE, and how each WDDM 2.9
 * callback in it refuses what it must refuse. Every refusal is checked for
 * the NTSTATUS that Documentation/dxgkpm.rst ("NTSTATUS values") gives, for
 * its outputs cleared, and for having changed nothing: every dxgkpm counter
 * stays where it was and the objects involved keep working. The callbacks
 * are called the way a display miniport calls them, through the interface
 * of adapters registered for QEMU's edu devices behind the emulated IOMMU.
 */

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/dma-mapping.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "dma_helpers.h"
#include "dxgk_calls.h"

/* A handle value nobody hands out. */
#define DDI_BOGUS		((HANDLE)0x1234UL)
#define DDI_MAX_STATS		32
#define DDI_MAX_BAD		16

/**
 * struct ddi_snap - every dxgkpm counter at one moment
 * @n: number of counters
 * @v: their values
 */
struct ddi_snap {
	unsigned int n;
	long v[DDI_MAX_STATS];
};

static void ddi_snap(struct ddi_snap *s)
{
	const char *name;
	unsigned int i;

	s->n = min_t(unsigned int, dxgkpm_stats_count(), DDI_MAX_STATS);
	for (i = 0; i < s->n; i++)
		s->v[i] = dxgkpm_stats_read(i, &name);
}

/* Nothing changed: every counter is where @before left it. */
static void ddi_expect_same(struct kunit *test, const struct ddi_snap *before,
			    const char *what)
{
	const char *name;
	unsigned int i;
	long now;

	for (i = 0; i < before->n; i++) {
		now = dxgkpm_stats_read(i, &name);
		KUNIT_EXPECT_EQ_MSG(test, now, before->v[i],
				    "%s: dxgkpm_stats.%s changed", what, name);
	}
}

/* Valid arguments for a cached object of @type, with poisoned outputs. */
static void ddi_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
		     HANDLE adapter, DXGK_PHYSICAL_MEMORY_TYPE type,
		     size_t size)
{
	dxgkpm_call_args(c, adapter, type, DXGK_MEMORY_CACHING_TYPE_CACHED,
			 size);
}

/* A cached object of @type and @size, opened for @adapter unless NULL. */
static struct dxgkpm_call_obj
ddi_new(struct kunit *test, struct dxgkpm_kt *kt, HANDLE adapter,
	DXGK_PHYSICAL_MEMORY_TYPE type, size_t size)
{
	return dxgkpm_call_new(test, kt, adapter, type,
			       DXGK_MEMORY_CACHING_TYPE_CACHED, size);
}

/*
 * Create with @c, which must fail with @status, clear both output handles
 * and change nothing.
 */
static void ddi_create_fails(struct kunit *test, struct dxgkpm_kt *kt,
			     DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
			     NTSTATUS status, const char *what)
{
	struct ddi_snap before;
	NTSTATUS got;

	ddi_snap(&before);
	got = kt->iface.DxgkCbCreatePhysicalMemoryObject(c);
	KUNIT_EXPECT_EQ_MSG(test, got, status, "%s: status %#x", what, got);
	if (NT_SUCCESS(got))
		dxgkpm_kt_reap(c->hPhysicalMemoryObject);
	KUNIT_EXPECT_NULL_MSG(test, c->hPhysicalMemoryObject, "%s", what);
	KUNIT_EXPECT_NULL_MSG(test, c->hAdapterMemoryObject, "%s", what);
	ddi_expect_same(test, &before, what);
}

/*
 * The object still works: a kernel view of its first page, and with @amo
 * an ADL of it, can be made and released, leaving the counters as they
 * were.
 */
static void ddi_expect_alive(struct kunit *test, struct dxgkpm_kt *kt,
			     struct dxgkpm_call_obj obj, const char *what)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct ddi_snap before;
	DXGK_ADL *adl;

	ddi_snap(&before);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_call_map(kt, &m, obj.pmo,
						  DXGK_ACCESS_MODE_KERNEL_MODE,
						  0, PAGE_SIZE),
			    STATUS_SUCCESS, "%s: the object cannot be mapped",
			    what);
	if (m.pMappedAddress && m.pMappedAddress != DXGKPM_CALL_JUNK_PTR)
		dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	if (obj.amo) {
		KUNIT_EXPECT_EQ_MSG(test, dxgkpm_call_adl(kt, obj.amo, 0,
							  PAGE_SIZE, 0, &adl),
				    STATUS_SUCCESS,
				    "%s: no ADL from the object", what);
		if (adl && adl != DXGKPM_CALL_JUNK_PTR)
			dxgkpm_call_free_adl(kt, obj.amo, adl);
	}
	ddi_expect_same(test, &before, what);
}

/*
 * Handles that must be refused wherever @good is accepted: NULL, values
 * nobody hands out, and @good with its generation, its kind or its index
 * altered. Returns how many were written to @out.
 */
static unsigned int ddi_forged(HANDLE good, HANDLE *out)
{
	u64 h = dxgkpm_handle_to_u64(good);
	unsigned int n = 0;

	out[n++] = NULL;
	out[n++] = DDI_BOGUS;
	out[n++] = (HANDLE)~0UL;
	out[n++] = dxgkpm_u64_to_handle(h ^ BIT_ULL(32));	/* generation */
	out[n++] = dxgkpm_u64_to_handle(h ^ BIT_ULL(55));	/* generation */
	out[n++] = dxgkpm_u64_to_handle(h ^ BIT_ULL(56));	/* kind */
	out[n++] = dxgkpm_u64_to_handle(h & ~GENMASK_ULL(63, 56));	/* no kind */
	out[n++] = dxgkpm_u64_to_handle(h + 1);			/* index */
	out[n++] = dxgkpm_u64_to_handle(h & ~GENMASK_ULL(31, 0));	/* index 0 */
	return n;
}

/* ------------------------------------------------------------ interface */

/* The members dxgkpm implements, WDDM 2.4 and 2.9. */
static const size_t ddi_implemented[] = {
	offsetof(DXGKRNL_INTERFACE, DxgkCbAllocateContiguousMemory),
	offsetof(DXGKRNL_INTERFACE, DxgkCbFreeContiguousMemory),
	offsetof(DXGKRNL_INTERFACE, DxgkCbAllocatePagesForMdl),
	offsetof(DXGKRNL_INTERFACE, DxgkCbFreePagesFromMdl),
	offsetof(DXGKRNL_INTERFACE, DxgkCbMapMdlToIoMmu),
	offsetof(DXGKRNL_INTERFACE, DxgkCbUnmapMdlFromIoMmu),
	offsetof(DXGKRNL_INTERFACE, DxgkCbCreatePhysicalMemoryObject),
	offsetof(DXGKRNL_INTERFACE, DxgkCbDestroyPhysicalMemoryObject),
	offsetof(DXGKRNL_INTERFACE, DxgkCbMapPhysicalMemory),
	offsetof(DXGKRNL_INTERFACE, DxgkCbUnmapPhysicalMemory),
	offsetof(DXGKRNL_INTERFACE, DxgkCbAllocateAdl),
	offsetof(DXGKRNL_INTERFACE, DxgkCbFreeAdl),
	offsetof(DXGKRNL_INTERFACE, DxgkCbOpenPhysicalMemoryObject),
	offsetof(DXGKRNL_INTERFACE, DxgkCbClosePhysicalMemoryObject),
};

/* Smallest Size accepted: up to the last WDDM 2.9 member. */
#define DDI_IFACE_MIN	offsetofend(DXGKRNL_INTERFACE, \
				    DxgkCbPinFrameBufferForSave2)

static void *ddi_slot(const DXGKRNL_INTERFACE *iface, size_t off)
{
	void *p;

	memcpy(&p, (const u8 *)iface + off, sizeof(p));
	return p;
}

static bool ddi_is_implemented(size_t off)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ddi_implemented); i++)
		if (ddi_implemented[i] == off)
			return true;
	return false;
}

/* An interface poisoned everywhere but Size and Version. */
static void ddi_iface_init(DXGKRNL_INTERFACE *iface, ULONG size,
			   ULONG version)
{
	memset(iface, 0xa5, sizeof(*iface));
	iface->Size = size;
	iface->Version = version;
}

/* dxgkpm_query_interface() refuses and leaves every byte as it was. */
static void ddi_query_refused(struct kunit *test, struct dxgkpm_kt *kt,
			      ULONG size, ULONG version, int err)
{
	DXGKRNL_INTERFACE *iface, *copy;

	iface = kunit_kmalloc_array(test, 2, sizeof(*iface), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, iface);
	copy = iface + 1;
	ddi_iface_init(iface, size, version);
	*copy = *iface;
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_query_interface(kt->adapter, iface),
			    err, "Size %#x Version %#x", size, version);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(iface, copy, sizeof(*iface)), 0,
			    "a refused query wrote to the interface (Size %#x Version %#x)",
			    size, version);
	kunit_kfree(test, iface);
}

/*
 * dxgkpm_query_interface() refuses NULL arguments, versions older than
 * WDDM 2.4 (the first with any of its callbacks), unofficial versions and
 * sizes outside [what the WDDM 2.9 members need, sizeof(DXGKRNL_INTERFACE)]
 * at WDDM 2.9 with -EINVAL, without writing to the interface. Passes if
 * every such call is refused that way and the official versions from
 * WDDM 2.4 on are accepted.
 */
static void dxgkpm_ddi_query_interface_args(struct kunit *test)
{
	static const ULONG old[] = {
		0,
		DXGKDDI_INTERFACE_VERSION_WIN7,
		DXGKDDI_INTERFACE_VERSION_WDDM2_3,
		DXGKDDI_INTERFACE_VERSION_WDDM2_4 - 1,
	};
	static const ULONG unofficial[] = {
		DXGKDDI_INTERFACE_VERSION_WDDM2_9 - 1,
		DXGKDDI_INTERFACE_VERSION_WDDM2_9 + 1,
		0xf000,
		DXGKDDI_INTERFACE_VERSION_WDDM3_1 + 1,
		0xffffffff,
	};
	static const ULONG good[] = {
		DXGKDDI_INTERFACE_VERSION_WDDM2_4,
		DXGKDDI_INTERFACE_VERSION_WDDM2_8,
		DXGKDDI_INTERFACE_VERSION_WDDM2_9,
		DXGKDDI_INTERFACE_VERSION_WDDM3_0,
		DXGKDDI_INTERFACE_VERSION_WDDM3_1,
	};
	const ULONG full = sizeof(DXGKRNL_INTERFACE);
	const ULONG v29 = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
	const ULONG sizes[] = {
		0,
		offsetof(DXGKRNL_INTERFACE, DxgkCbCreatePhysicalMemoryObject),
		DDI_IFACE_MIN - 1,
		full + 1,
		full + sizeof(void *),
		0xffffffff,
	};
	DXGKRNL_INTERFACE *iface;
	struct dxgkpm_kt *kt;
	unsigned int i;

	kt = dxgkpm_kt_setup(test, 0);
	iface = kunit_kzalloc(test, sizeof(*iface), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, iface);

	ddi_iface_init(iface, full, v29);
	KUNIT_EXPECT_EQ(test, dxgkpm_query_interface(NULL, iface), -EINVAL);
	KUNIT_EXPECT_EQ(test, dxgkpm_query_interface(kt->adapter, NULL),
			-EINVAL);
	for (i = 0; i < ARRAY_SIZE(old); i++)
		ddi_query_refused(test, kt, full, old[i], -EINVAL);
	for (i = 0; i < ARRAY_SIZE(unofficial); i++)
		ddi_query_refused(test, kt, full, unofficial[i], -EINVAL);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		ddi_query_refused(test, kt, sizes[i], v29, -EINVAL);

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ddi_iface_init(iface, full, good[i]);
		KUNIT_EXPECT_EQ_MSG(test,
				    dxgkpm_query_interface(kt->adapter, iface),
				    0, "Version %#x", good[i]);
		KUNIT_EXPECT_PTR_EQ(test, iface->DeviceHandle, kt->h);
	}
}

/*
 * A good query fills DeviceHandle with the adapter's handle and exactly
 * the members dxgkpm implements; every other member up to Size is NULL,
 * and nothing beyond Size is written. Passes if the implemented members
 * are set (the 2.4 ones to dxgkpm's functions, the 2.9 ones to eight
 * distinct functions), every other one is NULL, and with the smallest Size
 * the member past it keeps its poison.
 */
static void dxgkpm_ddi_query_interface_fills(struct kunit *test)
{
	const size_t first = offsetof(DXGKRNL_INTERFACE, DxgkCbEvalAcpiMethod);
	const size_t head = offsetof(DXGKRNL_INTERFACE, DeviceHandle);
	DXGKRNL_INTERFACE *iface, *small, *poison;
	struct dxgkpm_kt *kt;
	size_t off, off2;
	void *p;

	kt = dxgkpm_kt_setup(test, 0);
	iface = kunit_kmalloc_array(test, 3, sizeof(*iface), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, iface);
	small = iface + 1;
	poison = iface + 2;
	ddi_iface_init(iface, sizeof(*iface),
		       DXGKDDI_INTERFACE_VERSION_WDDM2_9);
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(kt->adapter, iface), 0);
	KUNIT_EXPECT_NOT_NULL(test, iface->DeviceHandle);
	KUNIT_EXPECT_PTR_EQ(test, iface->DeviceHandle, kt->h);
	KUNIT_EXPECT_EQ(test, iface->Size, (ULONG)sizeof(*iface));
	KUNIT_EXPECT_EQ(test, iface->Version,
			(ULONG)DXGKDDI_INTERFACE_VERSION_WDDM2_9);

	for (off = first; off < sizeof(*iface); off += sizeof(void *)) {
		p = ddi_slot(iface, off);
		if (!ddi_is_implemented(off)) {
			KUNIT_EXPECT_NULL_MSG(test, p,
					      "member at %#zx is not dxgkpm's",
					      off);
			continue;
		}
		KUNIT_EXPECT_NOT_NULL_MSG(test, p, "member at %#zx", off);
		for (off2 = first; off2 < off; off2 += sizeof(void *))
			if (ddi_is_implemented(off2))
				KUNIT_EXPECT_PTR_NE_MSG(test, p,
							ddi_slot(iface, off2),
							"members at %#zx and %#zx",
							off, off2);
	}
	/* A few that belong to other Dxgkrnl services, by name. */
	KUNIT_EXPECT_NULL(test, iface->DxgkCbEvalAcpiMethod);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbQueryServices);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbPinFrameBufferForSave);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbQueryFeatureSupport);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbPinFrameBufferForSave2);
	KUNIT_EXPECT_NULL(test, iface->DxgkCbDisconnectDoorbell);
	KUNIT_EXPECT_PTR_EQ(test, iface->DxgkCbAllocateContiguousMemory,
			    &dxgkpm_cb_allocate_contiguous);
	KUNIT_EXPECT_PTR_EQ(test, iface->DxgkCbUnmapMdlFromIoMmu,
			    &dxgkpm_cb_unmap_mdl_from_iommu);

	/* The smallest Size: the same members, nothing written past it. */
	ddi_iface_init(small, DDI_IFACE_MIN, DXGKDDI_INTERFACE_VERSION_WDDM2_9);
	*poison = *small;
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(kt->adapter, small), 0);
	KUNIT_EXPECT_EQ(test, memcmp((u8 *)small + head, (u8 *)iface + head,
				     DDI_IFACE_MIN - head), 0);
	KUNIT_EXPECT_EQ_MSG(test,
			    memcmp((u8 *)small + DDI_IFACE_MIN,
				   (u8 *)poison + DDI_IFACE_MIN,
				   sizeof(*small) - DDI_IFACE_MIN), 0,
			    "the query wrote past Size");
}

/*
 * An adapter that was unregistered is refused: the native query returns
 * -ENODEV (the structure is kept alive here by an extra reference, as a
 * racing caller would hold one) without writing to the interface, the
 * native create and open return -ENODEV, and its DeviceHandle is a stale
 * handle that every DXGK callback taking hAdapter refuses with
 * STATUS_INVALID_HANDLE. Passes if all of them refuse and nothing changes.
 * These are the outcomes a caller that resolved hAdapter just before the
 * unregistration gets; dxgkpm_concurrency_unregister cannot be sure to hit
 * that window for create and open, so it is checked here.
 */
static void dxgkpm_ddi_query_interface_unregistered(struct kunit *test)
{
	struct dxgkpm_pmo_desc desc = {
		.size = PAGE_SIZE,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.high = ~(phys_addr_t)0,
	};
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_adapter *adapter;
	struct dxgkpm_pmo *pmo = NULL, *orphan;
	struct dxgkpm_amo *amo = NULL;
	struct dxgkpm_kt *kt, *other;
	struct dxgkpm_call_obj obj;
	struct ddi_snap before;
	HANDLE amo_h;

	kt = dxgkpm_kt_setup(test, 0);
	other = dxgkpm_kt_setup(test, 1);
	obj = ddi_new(test, other, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, NULL, &orphan, NULL), 0);
	adapter = kt->adapter;
	dxgkpm_adapter_get_ref(adapter);
	dxgkpm_kt_unregister_now(test, adapter);

	ddi_snap(&before);
	ddi_query_refused(test, kt, sizeof(DXGKRNL_INTERFACE),
			  DXGKDDI_INTERFACE_VERSION_WDDM2_9, -ENODEV);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_create(&desc, adapter, &pmo, &amo),
			-ENODEV);
	KUNIT_EXPECT_NULL(test, pmo);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_open(orphan, adapter, &amo), -ENODEV);
	KUNIT_EXPECT_NULL(test, amo);
	ddi_expect_same(test, &before, "native calls on an unregistered adapter");
	dxgkpm_adapter_put(adapter);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(orphan, NULL), 0);

	ddi_snap(&before);
	ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	ddi_create_fails(test, other, &c, STATUS_INVALID_HANDLE,
			 "create on an unregistered adapter");
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(other, obj.pmo, kt->h, &amo_h),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_NULL(test, amo_h);
	ddi_expect_same(test, &before, "unregistered adapter");
	ddi_expect_alive(test, other, obj, "object of the other adapter");
}

/* ------------------------------------------------------------ arguments */

/*
 * Every callback with NULL pArgs: the ones returning NTSTATUS return
 * STATUS_INVALID_PARAMETER, the VOID ones return; none changes anything.
 * FreeAdl with a NULL pAdl is refused the same way. Passes if so and the
 * live object, view and ADL are untouched.
 */
static void dxgkpm_ddi_null_args(struct kunit *test)
{
	DXGKARGCB_FREE_ADL free_null = { };
	struct ddi_snap before;
	struct dxgkpm_kt *kt;
	DXGKRNL_INTERFACE *i;
	struct dxgkpm_call_obj obj;
	size_t size;
	DXGK_ADL *adl;
	void *view;

	kt = dxgkpm_kt_setup(test, 0);
	i = &kt->iface;
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      PAGE_SIZE);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, PAGE_SIZE, &size);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(kt, obj.amo, 0, PAGE_SIZE, 0, &adl),
			STATUS_SUCCESS);

	ddi_snap(&before);
	KUNIT_EXPECT_EQ(test, i->DxgkCbCreatePhysicalMemoryObject(NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, i->DxgkCbOpenPhysicalMemoryObject(NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, i->DxgkCbMapPhysicalMemory(NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, i->DxgkCbAllocateAdl(NULL),
			STATUS_INVALID_PARAMETER);
	i->DxgkCbDestroyPhysicalMemoryObject(NULL);
	i->DxgkCbClosePhysicalMemoryObject(NULL);
	i->DxgkCbUnmapPhysicalMemory(NULL);
	i->DxgkCbFreeAdl(NULL);
	free_null.hAdapterMemoryObject = obj.amo;
	i->DxgkCbFreeAdl(&free_null);
	ddi_expect_same(test, &before, "NULL arguments");

	dxgkpm_call_free_adl(kt, obj.amo, adl);
	dxgkpm_call_unmap(kt, obj.pmo, view, size);
	ddi_expect_alive(test, kt, obj, "after NULL arguments");
}

/*
 * Bad hPhysicalMemoryObject values (invalid, forged from a live handle,
 * the object's own AMO handle, adapter handles, a destroyed object's
 * handle) given to Destroy, Open, Map and Unmap: Open and Map fail with
 * STATUS_INVALID_HANDLE and clear their output, and none of the four
 * changes anything - in particular Destroy with a bad object and a valid
 * AMO does not close that AMO, and Unmap with a bad object leaves the
 * view. Passes if so and the live object still works.
 */
static void dxgkpm_ddi_bad_pmo_handles(struct kunit *test)
{
	HANDLE bad[DDI_MAX_BAD], amo_h;
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct dxgkpm_kt *kt, *other;
	struct dxgkpm_call_obj obj, stale;
	struct ddi_snap before;
	unsigned int n, i;
	size_t size;
	u8 *view;

	kt = dxgkpm_kt_setup(test, 0);
	other = dxgkpm_kt_setup(test, 1);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE);
	stale = ddi_new(test, kt, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			PAGE_SIZE);
	dxgkpm_call_destroy(kt, stale.pmo, NULL);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, 2 * PAGE_SIZE, &size);
	view[0] = 0x42;

	n = ddi_forged(obj.pmo, bad);
	bad[n++] = obj.amo;
	bad[n++] = kt->h;
	bad[n++] = other->h;
	bad[n++] = stale.pmo;
	for (i = 0; i < n; i++) {
		kunit_info(test, "hPhysicalMemoryObject %#llx",
			   dxgkpm_handle_to_u64(bad[i]));
		ddi_snap(&before);
		dxgkpm_call_destroy(kt, bad[i], NULL);
		dxgkpm_call_destroy(kt, bad[i], obj.amo);
		KUNIT_EXPECT_EQ(test,
				dxgkpm_call_open(kt, bad[i], kt->h, &amo_h),
				STATUS_INVALID_HANDLE);
		KUNIT_EXPECT_NULL(test, amo_h);
		KUNIT_EXPECT_EQ(test, dxgkpm_call_map(kt, &m, bad[i],
						      DXGK_ACCESS_MODE_KERNEL_MODE,
						      0, PAGE_SIZE),
				STATUS_INVALID_HANDLE);
		KUNIT_EXPECT_NULL(test, m.pMappedAddress);
		KUNIT_EXPECT_EQ(test, m.Offset, (SIZE_T)0);
		KUNIT_EXPECT_EQ(test, m.Size, (SIZE_T)PAGE_SIZE);
		dxgkpm_call_unmap(kt, bad[i], view, size);
		ddi_expect_same(test, &before, "bad hPhysicalMemoryObject");
	}
	KUNIT_EXPECT_EQ(test, view[0], 0x42);
	dxgkpm_call_unmap(kt, obj.pmo, view, size);
	ddi_expect_alive(test, kt, obj, "after bad hPhysicalMemoryObject");
}

/*
 * Bad hAdapterMemoryObject values (invalid, forged, the object's PMO
 * handle, an adapter handle, a closed AMO's handle) given to Close,
 * AllocateAdl, FreeAdl and Destroy: AllocateAdl fails with
 * STATUS_INVALID_HANDLE and a NULL pAdl; Close and FreeAdl change nothing
 * (the live ADL survives); Destroy of a valid object with a bad AMO is
 * refused as a whole (the object and its AMO stay). Passes if so and both
 * objects still work.
 */
static void dxgkpm_ddi_bad_amo_handles(struct kunit *test)
{
	struct dxgkpm_call_obj obj, victim, closed;
	HANDLE bad[DDI_MAX_BAD];
	struct ddi_snap before;
	struct dxgkpm_kt *kt;
	DXGK_ADL *adl, *got;
	unsigned int n, i;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE);
	victim = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			 PAGE_SIZE);
	closed = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			 PAGE_SIZE);
	dxgkpm_call_close(kt, closed.amo);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(kt, obj.amo, 0, PAGE_SIZE, 0, &adl),
			STATUS_SUCCESS);

	n = ddi_forged(obj.amo, bad);
	bad[n++] = obj.pmo;
	bad[n++] = kt->h;
	bad[n++] = closed.amo;
	for (i = 0; i < n; i++) {
		kunit_info(test, "hAdapterMemoryObject %#llx",
			   dxgkpm_handle_to_u64(bad[i]));
		ddi_snap(&before);
		dxgkpm_call_close(kt, bad[i]);
		KUNIT_EXPECT_EQ(test, dxgkpm_call_adl(kt, bad[i], 0, PAGE_SIZE,
						      0, &got),
				STATUS_INVALID_HANDLE);
		KUNIT_EXPECT_NULL(test, got);
		dxgkpm_call_free_adl(kt, bad[i], adl);
		/* NULL is no AMO at all: Destroy would be valid. */
		if (bad[i])
			dxgkpm_call_destroy(kt, victim.pmo, bad[i]);
		ddi_expect_same(test, &before, "bad hAdapterMemoryObject");
	}
	dxgkpm_call_free_adl(kt, obj.amo, adl);
	ddi_expect_alive(test, kt, obj, "after bad hAdapterMemoryObject");
	ddi_expect_alive(test, kt, victim, "Destroy with a bad AMO");
}

/*
 * Bad hAdapter values (invalid, forged, PMO and AMO handles, the handle of
 * an unregistered adapter) given to Create and Open: both fail with
 * STATUS_INVALID_HANDLE, clear their outputs and change nothing; Open with
 * a NULL hAdapter is refused the same way (it needs an adapter). Passes if
 * so and the object then opens on a good adapter.
 */
static void dxgkpm_ddi_bad_adapter_handles(struct kunit *test)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	HANDLE bad[DDI_MAX_BAD], amo_h;
	struct dxgkpm_kt *kt, *gone;
	struct ddi_snap before;
	struct dxgkpm_call_obj obj, open;
	unsigned int n, i;

	kt = dxgkpm_kt_setup(test, 0);
	gone = dxgkpm_kt_setup(test, 1);
	dxgkpm_kt_unregister_now(test, gone->adapter);
	obj = ddi_new(test, kt, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      PAGE_SIZE);
	open = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		       PAGE_SIZE);

	n = ddi_forged(kt->h, bad);
	bad[n++] = obj.pmo;
	bad[n++] = open.amo;
	bad[n++] = gone->h;
	for (i = 0; i < n; i++) {
		kunit_info(test, "hAdapter %#llx", dxgkpm_handle_to_u64(bad[i]));
		ddi_snap(&before);
		KUNIT_EXPECT_EQ(test,
				dxgkpm_call_open(kt, obj.pmo, bad[i], &amo_h),
				STATUS_INVALID_HANDLE);
		KUNIT_EXPECT_NULL(test, amo_h);
		ddi_expect_same(test, &before, "Open with a bad hAdapter");
		if (!bad[i])
			continue;	/* Create without an adapter is valid */
		ddi_args(&c, bad[i], DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
		ddi_create_fails(test, kt, &c, STATUS_INVALID_HANDLE,
				 "Create with a bad hAdapter");
	}
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(kt, obj.pmo, kt->h, &amo_h),
			STATUS_SUCCESS);
	obj.amo = amo_h;
	ddi_expect_alive(test, kt, obj, "opened after bad hAdapter");
	ddi_expect_alive(test, kt, open, "after bad hAdapter");
}

/* ---------------------------------------------------------------- create */

/*
 * Sizes: 0 and sizes whose page rounding overflows are
 * STATUS_INVALID_PARAMETER; sizes that do not overflow but exceed the
 * machine's RAM are STATUS_INSUFFICIENT_RESOURCES, for every type that
 * allocates, with or without an adapter. Passes if every create fails so,
 * with cleared outputs and nothing changed.
 */
static void dxgkpm_ddi_create_bad_sizes(struct kunit *test)
{
	static const DXGK_PHYSICAL_MEMORY_TYPE types[] = {
		DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
		DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
	};
	const size_t above_ram = (totalram_pages() + 1) << PAGE_SHIFT;
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_kt *kt;
	HANDLE adapter;
	unsigned int i, j;

	kt = dxgkpm_kt_setup(test, 0);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		for (j = 0; j < 2; j++) {
			adapter = j ? kt->h : NULL;
			ddi_args(&c, adapter, types[i], 0);
			ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
					 "Size 0");
			ddi_args(&c, adapter, types[i], SIZE_MAX);
			ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
					 "Size SIZE_MAX");
			ddi_args(&c, adapter, types[i],
				 SIZE_MAX - PAGE_SIZE + 2);
			ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
					 "Size rounding past SIZE_MAX");
			ddi_args(&c, adapter, types[i],
				 SIZE_MAX - PAGE_SIZE + 1);
			ddi_create_fails(test, kt, &c,
					 STATUS_INSUFFICIENT_RESOURCES,
					 "largest Size that rounds");
			ddi_args(&c, adapter, types[i], above_ram);
			ddi_create_fails(test, kt, &c,
					 STATUS_INSUFFICIENT_RESOURCES,
					 "Size above RAM");
		}
	}
	dxgkpm_call_io_args(&c, kt->h, pci_resource_start(kt->edu->pdev, 0), 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "IO space of Size 0");
}

/*
 * Type and CacheType outside their enumerations are
 * STATUS_INVALID_PARAMETER. Passes if every such create fails so, with
 * cleared outputs and nothing changed.
 */
static void dxgkpm_ddi_create_bad_enums(struct kunit *test)
{
	static const u32 values[] = { 3, 4, 0x7fffffff, 0xffffffff };
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_kt *kt;
	unsigned int i;

	kt = dxgkpm_kt_setup(test, 0);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		if (values[i] != DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE) {
			ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
				 PAGE_SIZE);
			c.Type = (DXGK_PHYSICAL_MEMORY_TYPE)values[i];
			ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
					 "bad Type");
		}
		ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
		c.CacheType = (DXGK_MEMORY_CACHING_TYPE)values[i];
		ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
				 "bad CacheType");
		ddi_args(&c, NULL, DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
			 PAGE_SIZE);
		c.CacheType = (DXGK_MEMORY_CACHING_TYPE)values[i];
		ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
				 "bad CacheType of a section");
	}
}

/* An MDL object's arguments with the window [@low, @high]. */
static void ddi_mdl_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
			 HANDLE adapter, size_t size, u64 low, u64 high,
			 u64 skip, u32 flags)
{
	ddi_args(c, adapter, DXGK_PHYSICAL_MEMORY_TYPE_MDL, size);
	c->Mdl.LowAddress.QuadPart = low;
	c->Mdl.HighAddress.QuadPart = high;
	c->Mdl.SkipBytes.QuadPart = skip;
	c->Mdl.Flags = flags;
}

/*
 * MDL arguments: unknown Mdl.Flags bits, a window with Low above High or
 * holding no whole page, a SkipBytes that is not a page multiple, and
 * REQUIRE_CONTIGUOUS_CHUNKS with a chunk that is not a power of two or does
 * not divide Size are STATUS_INVALID_PARAMETER; FAST_LARGE_PAGES and
 * AND_HOT_REMOVE are STATUS_NOT_SUPPORTED. Passes if every such create
 * fails so, with cleared outputs and nothing changed.
 */
static void dxgkpm_ddi_create_bad_mdl(struct kunit *test)
{
	static const u32 unknown[] = { 0x80, 0x200, 0x10000, 0x80000000 };
	const u32 chunks = MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS;
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_kt *kt;
	unsigned int i;

	kt = dxgkpm_kt_setup(test, 0);
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		ddi_mdl_args(&c, kt->h, PAGE_SIZE, 0, -1, 0, unknown[i]);
		ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
				 "unknown Mdl.Flags");
	}
	ddi_mdl_args(&c, kt->h, PAGE_SIZE, 0, -1, 0,
		     MM_ALLOCATE_FAST_LARGE_PAGES);
	ddi_create_fails(test, kt, &c, STATUS_NOT_SUPPORTED, "FAST_LARGE_PAGES");
	ddi_mdl_args(&c, kt->h, SZ_2M, 0, -1, SZ_2M,
		     MM_ALLOCATE_FAST_LARGE_PAGES | chunks);
	ddi_create_fails(test, kt, &c, STATUS_NOT_SUPPORTED,
			 "FAST_LARGE_PAGES with chunks");
	ddi_mdl_args(&c, NULL, PAGE_SIZE, 0, -1, 0, MM_ALLOCATE_AND_HOT_REMOVE);
	ddi_create_fails(test, kt, &c, STATUS_NOT_SUPPORTED, "AND_HOT_REMOVE");

	ddi_mdl_args(&c, kt->h, PAGE_SIZE, SZ_64M, SZ_32M, 0, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER, "Low > High");
	ddi_mdl_args(&c, kt->h, PAGE_SIZE, -1, 0, 0, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "Low -1, High 0");
	ddi_mdl_args(&c, kt->h, PAGE_SIZE, SZ_64M, SZ_64M + PAGE_SIZE - 2, 0,
		     0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "window smaller than a page");
	ddi_mdl_args(&c, kt->h, PAGE_SIZE, SZ_64M + 1,
		     SZ_64M + 2 * PAGE_SIZE - 2, 0, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "window holding no whole page");
	ddi_mdl_args(&c, kt->h, PAGE_SIZE, 0, -1, PAGE_SIZE / 2, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "SkipBytes of half a page");
	ddi_mdl_args(&c, kt->h, PAGE_SIZE, 0, -1, SZ_1M + 1, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "SkipBytes not page aligned");

	ddi_mdl_args(&c, kt->h, 3 * PAGE_SIZE, 0, -1, 3 * PAGE_SIZE, chunks);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "chunks of 3 pages");
	ddi_mdl_args(&c, kt->h, 3 * PAGE_SIZE, 0, -1, 2 * PAGE_SIZE, chunks);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "Size not a multiple of the chunk");
	ddi_mdl_args(&c, kt->h, 2 * PAGE_SIZE + 1, 0, -1, 2 * PAGE_SIZE,
		     chunks);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "Size a page multiple but not a chunk multiple");
}

/*
 * Section arguments: NON_CACHED, PageProtection values other than the four
 * allowed ones (cache attribute bits included), AllocationAttributes other
 * than 0 and SEC_COMMIT are STATUS_INVALID_PARAMETER; ObjectAttributes that
 * name the section are STATUS_NOT_SUPPORTED; unnamed ObjectAttributes are
 * accepted. Passes if every bad create fails so, with cleared outputs and
 * nothing changed, and the unnamed one succeeds.
 */
static void dxgkpm_ddi_create_bad_section(struct kunit *test)
{
	static const u32 protections[] = {
		0, 0x01, 0x20, 0x40, 0x80, 0x06,
		PAGE_READWRITE | 0x100,
		PAGE_READWRITE | 0x200,
		PAGE_READWRITE | 0x400,
		PAGE_READWRITE | SEC_WRITECOMBINE,
	};
	static const u32 attributes[] = {
		SEC_NOCACHE, SEC_WRITECOMBINE, SEC_COMMIT | SEC_WRITECOMBINE,
		SEC_COMMIT | SEC_NOCACHE, 0x01000000, 1,
	};
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	OBJECT_ATTRIBUTES attrs;
	u8 name[16] = { };
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	unsigned int i;

	kt = dxgkpm_kt_setup(test, 0);
	ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_SECTION, PAGE_SIZE);
	c.CacheType = DXGK_MEMORY_CACHING_TYPE_NON_CACHED;
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "uncached section");
	for (i = 0; i < ARRAY_SIZE(protections); i++) {
		ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
			 PAGE_SIZE);
		c.Section.PageProtection = protections[i];
		kunit_info(test, "PageProtection %#x", protections[i]);
		ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
				 "bad PageProtection");
	}
	for (i = 0; i < ARRAY_SIZE(attributes); i++) {
		ddi_args(&c, NULL, DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
			 PAGE_SIZE);
		c.Section.AllocationAttributes = attributes[i];
		kunit_info(test, "AllocationAttributes %#x", attributes[i]);
		ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
				 "bad AllocationAttributes");
	}

	/* A name, or a directory to put one in. */
	InitializeObjectAttributes(&attrs, (struct _UNICODE_STRING *)name,
				   OBJ_KERNEL_HANDLE, NULL, NULL);
	ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_SECTION, PAGE_SIZE);
	c.Section.ObjectAttributes = &attrs;
	ddi_create_fails(test, kt, &c, STATUS_NOT_SUPPORTED, "named section");
	InitializeObjectAttributes(&attrs, NULL, OBJ_KERNEL_HANDLE, DDI_BOGUS,
				   NULL);
	ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_SECTION, PAGE_SIZE);
	c.Section.ObjectAttributes = &attrs;
	ddi_create_fails(test, kt, &c, STATUS_NOT_SUPPORTED,
			 "section in a directory");

	/* Unnamed, committed: accepted. */
	InitializeObjectAttributes(&attrs, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
	ddi_args(&c, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_SECTION, PAGE_SIZE);
	c.Section.ObjectAttributes = &attrs;
	c.Section.AllocationAttributes = SEC_COMMIT;
	c.Section.DesiredAccess = 0xf001f;	/* SECTION_ALL_ACCESS */
	obj = dxgkpm_call_create(test, kt, &c);
	ddi_expect_alive(test, kt, obj, "unnamed section");
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
}

/* A contiguous object's arguments. */
static void ddi_contig_args(DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *c,
			    HANDLE adapter, size_t size, u64 low, u64 high,
			    u64 boundary)
{
	ddi_args(c, adapter, DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY, size);
	c->ContiguousMemory.LowestAcceptableAddress.QuadPart = low;
	c->ContiguousMemory.HighestAcceptableAddress.QuadPart = high;
	c->ContiguousMemory.BoundaryAddressMultiple.QuadPart = boundary;
}

/*
 * Contiguous arguments: Lowest above Highest, a window too small for the
 * block, a boundary that is not a power of two or is smaller than the
 * block are STATUS_INVALID_PARAMETER. Passes if every such create fails
 * so, with cleared outputs and nothing changed.
 */
static void dxgkpm_ddi_create_bad_contiguous(struct kunit *test)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_kt *kt;

	kt = dxgkpm_kt_setup(test, 0);
	ddi_contig_args(&c, kt->h, PAGE_SIZE, SZ_64M, SZ_32M, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "Lowest > Highest");
	ddi_contig_args(&c, kt->h, 2 * PAGE_SIZE, SZ_64M,
			SZ_64M + PAGE_SIZE - 1, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "window of one page for two");
	ddi_contig_args(&c, NULL, SZ_2M, SZ_64M, SZ_64M + SZ_1M - 1, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "window of 1 MiB for 2 MiB");
	ddi_contig_args(&c, kt->h, 2 * PAGE_SIZE, SZ_64M + 1,
			SZ_64M + 2 * PAGE_SIZE, 0);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "unaligned window one byte short");
	ddi_contig_args(&c, kt->h, PAGE_SIZE, 0, -1, 3 * PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "boundary not a power of two");
	ddi_contig_args(&c, kt->h, 2 * PAGE_SIZE, 0, -1, PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "boundary smaller than the block");
	ddi_contig_args(&c, kt->h, SZ_64K + 1, 0, -1, SZ_64K);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "boundary smaller than the rounded block");
}

/*
 * IO-space arguments: no hAdapter, an unaligned base, a range outside
 * every BAR of the adapter's device (RAM, the other edu device's BAR0),
 * straddling the end of BAR0 or larger than it, CACHED, and
 * WRITE_COMBINED on edu's non-prefetchable BAR0 are all
 * STATUS_INVALID_PARAMETER. Passes if every such create fails so, with
 * cleared outputs and nothing changed.
 */
static void dxgkpm_ddi_create_bad_io_space(struct kunit *test)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_kt *kt, *other;
	resource_size_t bar, len, bar2;

	kt = dxgkpm_kt_setup(test, 0);
	other = dxgkpm_kt_setup(test, 1);
	bar = pci_resource_start(kt->edu->pdev, 0);
	len = pci_resource_len(kt->edu->pdev, 0);
	bar2 = pci_resource_start(other->edu->pdev, 0);
	KUNIT_ASSERT_NE(test, bar, 0);
	KUNIT_ASSERT_GE(test, len, 2 * PAGE_SIZE);
	KUNIT_ASSERT_FALSE_MSG(test, pci_resource_flags(kt->edu->pdev, 0) &
			       IORESOURCE_PREFETCH,
			       "edu's BAR0 is expected to be non-prefetchable");

	dxgkpm_call_io_args(&c, NULL, bar, PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "IO space without hAdapter");
	dxgkpm_call_io_args(&c, kt->h, bar + 0x10, PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "unaligned base");
	dxgkpm_call_io_args(&c, kt->h, SZ_16M, PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER, "RAM");
	dxgkpm_call_io_args(&c, kt->h, bar2, PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "the other device's BAR0");
	dxgkpm_call_io_args(&c, kt->h, bar + len - PAGE_SIZE, 2 * PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "straddling the end of BAR0");
	dxgkpm_call_io_args(&c, kt->h, bar + len, PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "just past BAR0");
	dxgkpm_call_io_args(&c, kt->h, bar, len + PAGE_SIZE);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "larger than BAR0");
	dxgkpm_call_io_args(&c, kt->h, bar, SIZE_MAX - PAGE_SIZE + 1);
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "huge IO space");
	dxgkpm_call_io_args(&c, kt->h, bar, PAGE_SIZE);
	c.CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED;
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "cached IO space");
	dxgkpm_call_io_args(&c, kt->h, bar, PAGE_SIZE);
	c.CacheType = DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED;
	ddi_create_fails(test, kt, &c, STATUS_INVALID_PARAMETER,
			 "write-combined non-prefetchable BAR");
}

/* ------------------------------------------------------- open and close */

/*
 * An object is open for one adapter at a time: a second Open fails with
 * STATUS_INVALID_DEVICE_STATE and a NULL hAdapterMemoryObject, through the
 * same adapter or another, after Open or after Create with hAdapter; Open
 * of a destroyed object is STATUS_INVALID_HANDLE. After Close, the object
 * opens through the other adapter. Passes if so, each refusal changing
 * nothing.
 */
static void dxgkpm_ddi_open_twice(struct kunit *test)
{
	struct dxgkpm_call_obj late, early, dead;
	struct dxgkpm_kt *a, *b;
	struct ddi_snap before;
	HANDLE amo;

	a = dxgkpm_kt_setup(test, 0);
	b = dxgkpm_kt_setup(test, 1);
	late = ddi_new(test, a, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		       PAGE_SIZE);
	early = ddi_new(test, a, a->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			PAGE_SIZE);
	dead = ddi_new(test, a, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		       PAGE_SIZE);
	dxgkpm_call_destroy(a, dead.pmo, NULL);

	KUNIT_ASSERT_EQ(test, dxgkpm_call_open(a, late.pmo, a->h, &late.amo),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, late.amo);

	ddi_snap(&before);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(a, late.pmo, a->h, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(b, late.pmo, b->h, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(a, early.pmo, a->h, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(a, early.pmo, b->h, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(a, dead.pmo, a->h, &amo),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_NULL(test, amo);
	ddi_expect_same(test, &before, "second Open");
	ddi_expect_alive(test, a, late, "opened object");
	ddi_expect_alive(test, a, early, "object opened at creation");

	/* Closed, it opens again, through the other adapter. */
	dxgkpm_call_close(a, late.amo);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(amos), 1L);
	KUNIT_ASSERT_EQ(test, dxgkpm_call_open(b, late.pmo, b->h, &amo),
			STATUS_SUCCESS);
	KUNIT_EXPECT_PTR_NE(test, amo, late.amo);
	late.amo = amo;
	ddi_expect_alive(test, b, late, "reopened on the other adapter");
	dxgkpm_call_destroy(a, late.pmo, late.amo);
	dxgkpm_call_destroy(a, early.pmo, early.amo);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Close: a second Close of the same handle changes nothing; Close while an
 * ADL is alive is refused, and the ADL stays valid and the memory mapped:
 * the device still copies one page into another at the ADL's addresses.
 * After FreeAdl the Close goes through and the handle is stale for
 * AllocateAdl. Passes if so.
 */
static void dxgkpm_ddi_close(struct kunit *test)
{
	struct ddi_snap before;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	dma_addr_t src, dst;
	DXGK_ADL *adl, *got;
	size_t size;
	u8 *view;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, 2 * PAGE_SIZE, &size);
	dxgkpm_kt_fill(view, PAGE_SIZE, 0xc105e);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(kt, obj.amo, 0, 2 * PAGE_SIZE, 0, &adl),
			STATUS_SUCCESS);

	ddi_snap(&before);
	dxgkpm_call_close(kt, obj.amo);
	dxgkpm_call_close(kt, obj.amo);
	ddi_expect_same(test, &before, "Close with a live ADL");
	src = dxgkpm_call_adl_addr(adl, 0);
	dst = dxgkpm_call_adl_addr(adl, 1);
	KUNIT_ASSERT_EQ(test, dxgkpm_edu_copy(kt->edu, dst, src, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, dxgkpm_kt_mismatch(view + PAGE_SIZE,
						     PAGE_SIZE, 0xc105e),
			    (size_t)PAGE_SIZE,
			    "the device's copy through the ADL differs");

	dxgkpm_call_free_adl(kt, obj.amo, adl);
	dxgkpm_call_close(kt, obj.amo);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(amos), 0L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(dma_maps), 0L);
	ddi_snap(&before);
	dxgkpm_call_close(kt, obj.amo);
	KUNIT_EXPECT_EQ(test,
			dxgkpm_call_adl(kt, obj.amo, 0, PAGE_SIZE, 0, &got),
			STATUS_INVALID_HANDLE);
	KUNIT_EXPECT_NULL(test, got);
	ddi_expect_same(test, &before, "second Close");
	dxgkpm_call_unmap(kt, obj.pmo, view, size);
	dxgkpm_call_destroy(kt, obj.pmo, NULL);
	dxgkpm_kt_expect_no_memory(test);
}

/* -------------------------------------------------------------- destroy */

/*
 * Destroy: a second Destroy changes nothing; Destroy while an ADL or a
 * kernel view is alive is refused (with or without the AMO) and the object
 * keeps working; Destroy passing another object's AMO, or its own AMO after
 * it was closed, is refused as a whole; Destroy without the open AMO closes
 * it, after which the AMO handle is stale. Passes if so.
 */
static void dxgkpm_ddi_destroy(struct kunit *test)
{
	struct dxgkpm_call_obj obj, x, y, z;
	struct ddi_snap before;
	struct dxgkpm_kt *kt;
	DXGK_ADL *adl;
	size_t size;
	void *view;

	kt = dxgkpm_kt_setup(test, 0);

	/* Twice. */
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      PAGE_SIZE);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);
	ddi_snap(&before);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_call_destroy(kt, obj.pmo, NULL);
	ddi_expect_same(test, &before, "second Destroy");

	/* A live ADL. */
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_call_adl(kt, obj.amo, PAGE_SIZE, PAGE_SIZE,
					      0, &adl), STATUS_SUCCESS);
	ddi_snap(&before);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_call_destroy(kt, obj.pmo, NULL);
	ddi_expect_same(test, &before, "Destroy with a live ADL");
	ddi_expect_alive(test, kt, obj, "Destroy with a live ADL");
	dxgkpm_call_free_adl(kt, obj.amo, adl);
	dxgkpm_call_destroy(kt, obj.pmo, obj.amo);
	dxgkpm_kt_expect_no_memory(test);

	/* A live kernel view. */
	obj = ddi_new(test, kt, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      PAGE_SIZE);
	view = dxgkpm_call_view(test, kt, obj.pmo, 0, PAGE_SIZE, &size);
	ddi_snap(&before);
	dxgkpm_call_destroy(kt, obj.pmo, NULL);
	ddi_expect_same(test, &before, "Destroy with a live kernel view");
	ddi_expect_alive(test, kt, obj, "Destroy with a live kernel view");
	dxgkpm_call_unmap(kt, obj.pmo, view, size);
	dxgkpm_call_destroy(kt, obj.pmo, NULL);
	dxgkpm_kt_expect_no_memory(test);

	/* Another object's AMO; its own AMO, closed. */
	x = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	y = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	z = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	dxgkpm_call_close(kt, z.amo);
	ddi_snap(&before);
	dxgkpm_call_destroy(kt, x.pmo, y.amo);
	dxgkpm_call_destroy(kt, z.pmo, z.amo);
	ddi_expect_same(test, &before, "Destroy with a wrong AMO");
	ddi_expect_alive(test, kt, x, "Destroy with another object's AMO");
	ddi_expect_alive(test, kt, y, "its AMO passed to another Destroy");

	/* Without the open AMO: closed anyway, its handle stale. */
	dxgkpm_call_destroy(kt, x.pmo, NULL);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(pmos), 2L);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(amos), 1L);
	/* Only ADLs map, and none is alive. */
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(dma_maps), 0L);
	ddi_snap(&before);
	dxgkpm_call_close(kt, x.amo);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_adl(kt, x.amo, 0, PAGE_SIZE, 0, &adl),
			STATUS_INVALID_HANDLE);
	ddi_expect_same(test, &before, "Close of an AMO its Destroy closed");
	ddi_expect_alive(test, kt, y, "after Destroy of another object");

	dxgkpm_call_destroy(kt, y.pmo, y.amo);
	dxgkpm_call_destroy(kt, z.pmo, NULL);
	dxgkpm_kt_expect_no_memory(test);
}

/*
 * Objects of two adapters: Destroy of one object passing the other's AMO,
 * FreeAdl of one object's ADL through the other's AMO, and Open of an
 * object open on one adapter through the other are refused and change
 * nothing (Open with STATUS_INVALID_DEVICE_STATE). Passes if so and both
 * objects and ADLs still work.
 */
static void dxgkpm_ddi_other_adapter(struct kunit *test)
{
	DXGK_ADL *adl_a, *adl_b;
	struct dxgkpm_call_obj oa, ob;
	struct dxgkpm_kt *a, *b;
	struct ddi_snap before;
	HANDLE amo;

	a = dxgkpm_kt_setup(test, 0);
	b = dxgkpm_kt_setup(test, 1);
	oa = ddi_new(test, a, a->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	ob = ddi_new(test, b, b->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(a, oa.amo, 0, PAGE_SIZE, 0, &adl_a),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(b, ob.amo, 0, PAGE_SIZE, 0, &adl_b),
			STATUS_SUCCESS);

	ddi_snap(&before);
	dxgkpm_call_free_adl(a, oa.amo, adl_b);
	dxgkpm_call_free_adl(b, ob.amo, adl_a);
	dxgkpm_call_free_adl(a, ob.amo, adl_a);
	dxgkpm_call_free_adl(b, oa.amo, adl_b);
	KUNIT_EXPECT_EQ(test, dxgkpm_call_open(b, oa.pmo, b->h, &amo),
			STATUS_INVALID_DEVICE_STATE);
	KUNIT_EXPECT_NULL(test, amo);
	ddi_expect_same(test, &before, "another adapter's ADLs");
	dxgkpm_call_free_adl(a, oa.amo, adl_a);
	dxgkpm_call_free_adl(b, ob.amo, adl_b);
	ddi_snap(&before);
	dxgkpm_call_destroy(a, oa.pmo, ob.amo);
	dxgkpm_call_destroy(b, ob.pmo, oa.amo);
	ddi_expect_same(test, &before, "another adapter's handles");
	ddi_expect_alive(test, a, oa, "object of adapter 0");
	ddi_expect_alive(test, b, ob, "object of adapter 1");
}

/* ----------------------------------------------------------------- views */

/* Map that must fail with @status, clear pMappedAddress and change nothing. */
static void ddi_map_fails(struct kunit *test, struct dxgkpm_kt *kt,
			  HANDLE pmo, DXGK_ACCESS_MODE mode, size_t offset,
			  size_t size, NTSTATUS status, const char *what)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct ddi_snap before;
	NTSTATUS got;

	ddi_snap(&before);
	got = dxgkpm_call_map(kt, &m, pmo, mode, offset, size);
	KUNIT_EXPECT_EQ_MSG(test, got, status, "%s: status %#x", what, got);
	if (NT_SUCCESS(got) && m.pMappedAddress)
		dxgkpm_call_unmap(kt, pmo, m.pMappedAddress, m.Size);
	KUNIT_EXPECT_NULL_MSG(test, m.pMappedAddress, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, m.Offset, offset, "%s: Offset changed", what);
	KUNIT_EXPECT_EQ_MSG(test, m.Size, size, "%s: Size changed", what);
	ddi_expect_same(test, &before, what);
}

/*
 * Map arguments: Size 0, ranges beyond the object (its size rounded up to
 * pages) or whose end overflows, and AccessMode values other than kernel
 * and user mode are STATUS_INVALID_PARAMETER; the output pMappedAddress is
 * NULL and Offset and Size are left as given. A range ending on the last
 * byte of the rounded size is accepted. Passes if so, each refusal
 * changing nothing.
 */
static void dxgkpm_ddi_map_bad(struct kunit *test)
{
	const size_t rounded = 3 * PAGE_SIZE;
	const DXGK_ACCESS_MODE k = DXGK_ACCESS_MODE_KERNEL_MODE;
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE + 100);

	ddi_map_fails(test, kt, obj.pmo, k, 0, 0, STATUS_INVALID_PARAMETER,
		      "Size 0");
	ddi_map_fails(test, kt, obj.pmo, k, PAGE_SIZE, 0,
		      STATUS_INVALID_PARAMETER, "Size 0 inside");
	ddi_map_fails(test, kt, obj.pmo, k, rounded, 1,
		      STATUS_INVALID_PARAMETER, "first byte past the end");
	ddi_map_fails(test, kt, obj.pmo, k, 0, rounded + 1,
		      STATUS_INVALID_PARAMETER, "one byte too many");
	ddi_map_fails(test, kt, obj.pmo, k, rounded - 1, 2,
		      STATUS_INVALID_PARAMETER, "straddling the end");
	ddi_map_fails(test, kt, obj.pmo, k, SIZE_MAX, 1,
		      STATUS_INVALID_PARAMETER, "Offset SIZE_MAX");
	ddi_map_fails(test, kt, obj.pmo, k, PAGE_SIZE, SIZE_MAX,
		      STATUS_INVALID_PARAMETER, "Size SIZE_MAX");
	ddi_map_fails(test, kt, obj.pmo, k, SIZE_MAX - PAGE_SIZE + 1,
		      PAGE_SIZE, STATUS_INVALID_PARAMETER, "end overflowing");
	ddi_map_fails(test, kt, obj.pmo, (DXGK_ACCESS_MODE)2, 0, PAGE_SIZE,
		      STATUS_INVALID_PARAMETER, "AccessMode 2");
	ddi_map_fails(test, kt, obj.pmo, (DXGK_ACCESS_MODE)-1, 0, PAGE_SIZE,
		      STATUS_INVALID_PARAMETER, "AccessMode -1");

	/* The last byte of the rounded size is inside. */
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_map(kt, &m, obj.pmo, k, rounded - 1, 1),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, m.Offset, (SIZE_T)PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, m.Size, (SIZE_T)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 1L);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 0L);
}

/*
 * User-mode views are made in the address space of the calling thread.
 * Without one (KUnit runs each case in a kernel thread that has no mm at
 * first) USER_MODE is STATUS_INVALID_PARAMETER; IO space has no user views
 * (STATUS_INVALID_PARAMETER) and memory allocated with
 * MM_DONT_ZERO_ALLOCATION none either (STATUS_ACCESS_DENIED). Unmap of a
 * user address where the object has no view leaves the mapping that is
 * there alone. Passes if so, with nothing changed.
 */
static void dxgkpm_ddi_map_user_refused(struct kunit *test)
{
	const DXGK_ACCESS_MODE u = DXGK_ACCESS_MODE_USER_MODE;
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT c;
	struct dxgkpm_call_obj obj, io, dirty;
	struct ddi_snap before;
	unsigned long uaddr;
	struct dxgkpm_kt *kt;
	int value = 0;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      PAGE_SIZE);
	dxgkpm_call_io_args(&c, kt->h, pci_resource_start(kt->edu->pdev, 0),
			    PAGE_SIZE);
	io = dxgkpm_call_create(test, kt, &c);
	ddi_mdl_args(&c, NULL, PAGE_SIZE, 0, -1, 0, MM_DONT_ZERO_ALLOCATION);
	dirty = dxgkpm_call_create(test, kt, &c);

	KUNIT_ASSERT_NULL(test, current->mm);
	ddi_map_fails(test, kt, obj.pmo, u, 0, PAGE_SIZE,
		      STATUS_INVALID_PARAMETER, "user view without an mm");

	uaddr = dxgkpm_kt_attach_mm(test);
	ddi_map_fails(test, kt, io.pmo, u, 0, PAGE_SIZE,
		      STATUS_INVALID_PARAMETER, "user view of IO space");
	ddi_map_fails(test, kt, dirty.pmo, u, 0, PAGE_SIZE,
		      STATUS_ACCESS_DENIED, "user view of unzeroed memory");
	ddi_map_fails(test, kt, obj.pmo, u, 0, 2 * PAGE_SIZE,
		      STATUS_INVALID_PARAMETER, "user view past the end");
	ddi_map_fails(test, kt, obj.pmo, u, 0, 0, STATUS_INVALID_PARAMETER,
		      "user view of Size 0");
	ddi_expect_alive(test, kt, dirty, "unzeroed memory, kernel view");

	KUNIT_ASSERT_EQ(test, put_user(0x5eed, (int __user *)uaddr), 0);
	ddi_snap(&before);
	dxgkpm_call_unmap(kt, obj.pmo, (void *)uaddr, PAGE_SIZE);
	ddi_expect_same(test, &before, "Unmap of a foreign user address");
	KUNIT_EXPECT_EQ_MSG(test, get_user(value, (int __user *)uaddr), 0,
			    "Unmap removed a mapping that was not a view");
	KUNIT_EXPECT_EQ(test, value, 0x5eed);
}

/*
 * Unmap of a user view needs the exact base and output Size, and the
 * object the view is of: an address inside the view, a wrong Size and
 * another object are refused and the view stays, still mapping the memory
 * (checked both ways against a kernel view). After the right Unmap the address
 * faults, and a second Unmap changes nothing. Passes if so.
 */
static void dxgkpm_ddi_unmap_user_bad(struct kunit *test)
{
	const DXGK_ACCESS_MODE u = DXGK_ACCESS_MODE_USER_MODE;
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	struct dxgkpm_call_obj obj, other;
	struct ddi_snap before;
	struct dxgkpm_kt *kt;
	size_t ksize;
	int __user *up;
	u32 *kview;
	int value;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE);
	other = ddi_new(test, kt, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			2 * PAGE_SIZE);
	dxgkpm_kt_attach_mm(test);
	kview = dxgkpm_call_view(test, kt, obj.pmo, 0, 2 * PAGE_SIZE, &ksize);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_map(kt, &m, obj.pmo, u, 0, 2 * PAGE_SIZE),
			STATUS_SUCCESS);
	KUNIT_ASSERT_NOT_NULL(test, m.pMappedAddress);
	KUNIT_ASSERT_EQ(test, m.Size, (SIZE_T)2 * PAGE_SIZE);
	up = (int __user __force *)m.pMappedAddress;
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(uviews), 1L);

	ddi_snap(&before);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress + PAGE_SIZE, PAGE_SIZE);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, PAGE_SIZE);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, 3 * PAGE_SIZE);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, 0);
	dxgkpm_call_unmap(kt, other.pmo, m.pMappedAddress, m.Size);
	ddi_expect_same(test, &before, "bad Unmap of a user view");

	/* Still the object's memory, both ways. */
	kview[PAGE_SIZE / sizeof(u32)] = 0x600d;
	KUNIT_EXPECT_EQ(test, get_user(value, up + PAGE_SIZE / sizeof(int)), 0);
	KUNIT_EXPECT_EQ(test, value, 0x600d);
	KUNIT_EXPECT_EQ(test, put_user(0x7e57, up), 0);
	KUNIT_EXPECT_EQ(test, kview[0], 0x7e57U);

	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(uviews), 0L);
	KUNIT_EXPECT_EQ_MSG(test, get_user(value, up), -EFAULT,
			    "the user view is still mapped after Unmap");
	ddi_snap(&before);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	ddi_expect_same(test, &before, "second Unmap of a user view");
	dxgkpm_call_unmap(kt, obj.pmo, kview, ksize);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 0L);
}

/*
 * A driver's stale second FreeAdl, made after it built a new ADL of the same
 * object, must find nothing: the slab hands the memory of a freed ADL out
 * again at once, and the new ADL would be freed in its place. So the new one
 * never has the address of one of the object's last DXGKPM_ADL_QUARANTINE
 * freed ADLs, and outlives every stale call. And when the process unmaps a
 * user view itself and maps something else at its address, the driver's
 * late Unmap leaves that mapping alone. Passes if so.
 */
static void dxgkpm_ddi_stale_frees(struct kunit *test)
{
	const DXGK_ACCESS_MODE u = DXGK_ACCESS_MODE_USER_MODE;
	DXGK_ADL *adl, *adls[DXGKPM_ADL_QUARANTINE];
	DXGKARGCB_MAP_PHYSICAL_MEMORY m;
	unsigned int i, j;
	struct dxgkpm_kt *kt;
	struct dxgkpm_call_obj obj;
	unsigned long anon;
	int __user *up;
	int value;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE);
	dxgkpm_kt_attach_mm(test);

	for (i = 0; i < DXGKPM_ADL_QUARANTINE; i++) {
		KUNIT_ASSERT_EQ(test, dxgkpm_call_adl(kt, obj.amo, 0,
						      2 * PAGE_SIZE, 0,
						      &adl), STATUS_SUCCESS);
		for (j = 0; j < i; j++) {
			KUNIT_EXPECT_PTR_NE_MSG(test, adl, adls[j],
						"ADL %u at the address of freed ADL %u",
						i, j);
			dxgkpm_call_free_adl(kt, obj.amo, adls[j]);
		}
		KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(adls), 1L,
				    "ADL %u freed by a stale FreeAdl", i);
		KUNIT_EXPECT_EQ(test, adl->PageCount, 2U);
		dxgkpm_call_free_adl(kt, obj.amo, adl);
		adls[i] = adl;
	}
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 0L);

	/* The process unmaps the view and maps its own memory there. */
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_map(kt, &m, obj.pmo, u, 0, 2 * PAGE_SIZE),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test, vm_munmap((unsigned long)m.pMappedAddress,
					m.Size), 0);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(uviews), 0L);
	anon = vm_mmap(NULL, (unsigned long)m.pMappedAddress, m.Size,
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	KUNIT_ASSERT_EQ(test, anon, (unsigned long)m.pMappedAddress);
	up = (int __user *)anon;
	KUNIT_ASSERT_EQ(test, put_user(0x600d, up), 0);
	dxgkpm_call_unmap(kt, obj.pmo, m.pMappedAddress, m.Size);
	KUNIT_EXPECT_EQ_MSG(test, get_user(value, up), 0,
			    "a late Unmap removed the process's own mapping");
	KUNIT_EXPECT_EQ(test, value, 0x600d);
	KUNIT_EXPECT_EQ(test, vm_munmap(anon, m.Size), 0);
}

/*
 * Unmap needs the exact base and output Size of a view of the object given:
 * an address inside a view, another view's base (of the same object with
 * the wrong size, or of another object), the wrong object, a wrong Size
 * (the requested one, one page more or less) are refused and the view
 * stays, still mapping the memory. A second Unmap of a removed view changes
 * nothing. Passes if so.
 */
static void dxgkpm_ddi_unmap_bad(struct kunit *test)
{
	size_t whole_size, part_size, other_size;
	u8 *whole, *part, *other_view;
	struct dxgkpm_call_obj obj, other;
	struct ddi_snap before;
	struct dxgkpm_kt *kt;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      2 * PAGE_SIZE);
	other = ddi_new(test, kt, NULL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			PAGE_SIZE);
	whole = dxgkpm_call_view(test, kt, obj.pmo, 0, 2 * PAGE_SIZE - 10,
				 &whole_size);
	part = dxgkpm_call_view(test, kt, obj.pmo, PAGE_SIZE + 8, 4,
				&part_size);
	other_view = dxgkpm_call_view(test, kt, other.pmo, 0, PAGE_SIZE,
				      &other_size);
	KUNIT_ASSERT_EQ(test, whole_size, (size_t)2 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, part_size, (size_t)PAGE_SIZE);

	ddi_snap(&before);
	dxgkpm_call_unmap(kt, obj.pmo, whole + PAGE_SIZE, PAGE_SIZE);
	dxgkpm_call_unmap(kt, obj.pmo, whole + 1, whole_size);
	dxgkpm_call_unmap(kt, obj.pmo, other_view, other_size);
	dxgkpm_call_unmap(kt, other.pmo, whole, whole_size);
	dxgkpm_call_unmap(kt, obj.pmo, whole, 2 * PAGE_SIZE - 10);
	dxgkpm_call_unmap(kt, obj.pmo, whole, whole_size - PAGE_SIZE);
	dxgkpm_call_unmap(kt, obj.pmo, whole, whole_size + PAGE_SIZE);
	dxgkpm_call_unmap(kt, obj.pmo, whole, 0);
	dxgkpm_call_unmap(kt, obj.pmo, part, whole_size);
	dxgkpm_call_unmap(kt, obj.pmo, part, 4);
	dxgkpm_call_unmap(kt, obj.pmo, NULL, whole_size);
	ddi_expect_same(test, &before, "bad Unmap");

	/* Both views of the object still map the same page. */
	whole[PAGE_SIZE + 123] = 0x77;
	part[123] = 0x99;
	KUNIT_EXPECT_EQ(test, whole[PAGE_SIZE + 123], 0x99);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 3L);

	dxgkpm_call_unmap(kt, obj.pmo, whole, whole_size);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 2L);
	ddi_snap(&before);
	dxgkpm_call_unmap(kt, obj.pmo, whole, whole_size);
	ddi_expect_same(test, &before, "second Unmap");
	KUNIT_EXPECT_EQ(test, part[123], 0x99);
	dxgkpm_call_unmap(kt, obj.pmo, part, part_size);
	dxgkpm_call_unmap(kt, other.pmo, other_view, other_size);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(kviews), 0L);
}

/* ------------------------------------------------------------------ ADLs */

/* AllocateAdl that must fail with @status, a NULL pAdl and no change. */
static void ddi_adl_fails(struct kunit *test, struct dxgkpm_kt *kt,
			  HANDLE amo, size_t offset, size_t size, u32 flags,
			  NTSTATUS status, const char *what)
{
	struct ddi_snap before;
	DXGK_ADL *adl;
	NTSTATUS got;

	ddi_snap(&before);
	got = dxgkpm_call_adl(kt, amo, offset, size, flags, &adl);
	KUNIT_EXPECT_EQ_MSG(test, got, status, "%s: status %#x", what, got);
	if (NT_SUCCESS(got) && adl)
		dxgkpm_call_free_adl(kt, amo, adl);
	KUNIT_EXPECT_NULL_MSG(test, adl, "%s", what);
	ddi_expect_same(test, &before, what);
}

/*
 * AllocateAdl arguments: Offset or Size not a page multiple, Size 0, ranges
 * beyond the object or overflowing, reserved flag bits, and
 * RequireContiguous on MDL and section objects are
 * STATUS_INVALID_PARAMETER with a NULL pAdl. RequireContiguous on a
 * contiguous object is accepted and gives a contiguous ADL, and the range
 * check uses the object's size rounded up to pages. Passes if so, each
 * refusal changing nothing.
 */
static void dxgkpm_ddi_adl_bad(struct kunit *test)
{
	static const u32 reserved[] = { 4, 8, 0x7, 0x80000000 };
	struct dxgkpm_call_obj obj, sec, con;
	struct dxgkpm_kt *kt;
	DXGK_ADL *adl;
	unsigned int i;

	kt = dxgkpm_kt_setup(test, 0);
	obj = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		      3 * PAGE_SIZE + 100);
	sec = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
		      2 * PAGE_SIZE);
	con = ddi_new(test, kt, kt->h,
		      DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
		      2 * PAGE_SIZE);

	ddi_adl_fails(test, kt, obj.amo, PAGE_SIZE / 2, PAGE_SIZE, 0,
		      STATUS_INVALID_PARAMETER, "Offset not page aligned");
	ddi_adl_fails(test, kt, obj.amo, 0, PAGE_SIZE + 1, 0,
		      STATUS_INVALID_PARAMETER, "Size not page aligned");
	ddi_adl_fails(test, kt, obj.amo, 0, 0, 0, STATUS_INVALID_PARAMETER,
		      "Size 0");
	ddi_adl_fails(test, kt, obj.amo, 4 * PAGE_SIZE, PAGE_SIZE, 0,
		      STATUS_INVALID_PARAMETER, "past the end");
	ddi_adl_fails(test, kt, obj.amo, 2 * PAGE_SIZE, 3 * PAGE_SIZE, 0,
		      STATUS_INVALID_PARAMETER, "straddling the end");
	ddi_adl_fails(test, kt, obj.amo, SIZE_MAX & PAGE_MASK, 2 * PAGE_SIZE,
		      0, STATUS_INVALID_PARAMETER, "Offset overflowing");
	ddi_adl_fails(test, kt, obj.amo, PAGE_SIZE, SIZE_MAX & PAGE_MASK, 0,
		      STATUS_INVALID_PARAMETER, "Size overflowing");
	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		ddi_adl_fails(test, kt, obj.amo, 0, PAGE_SIZE, reserved[i],
			      STATUS_INVALID_PARAMETER, "reserved flags");
	ddi_adl_fails(test, kt, obj.amo, 0, PAGE_SIZE, DXGKPM_CALL_REQUIRE,
		      STATUS_INVALID_PARAMETER, "RequireContiguous on MDL");
	ddi_adl_fails(test, kt, obj.amo, 0, PAGE_SIZE,
		      DXGKPM_CALL_REQUIRE | DXGKPM_CALL_PREFER,
		      STATUS_INVALID_PARAMETER,
		      "RequireContiguous | PreferContiguous on MDL");
	ddi_adl_fails(test, kt, sec.amo, 0, PAGE_SIZE, DXGKPM_CALL_REQUIRE,
		      STATUS_INVALID_PARAMETER, "RequireContiguous on section");

	/* Accepted: the rounded size, RequireContiguous on contiguous. */
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(kt, obj.amo, 0, 4 * PAGE_SIZE, 0, &adl),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, adl->PageCount, 4U);
	dxgkpm_call_free_adl(kt, obj.amo, adl);
	KUNIT_ASSERT_EQ(test, dxgkpm_call_adl(kt, con.amo, 0, 2 * PAGE_SIZE,
					      DXGKPM_CALL_REQUIRE, &adl),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, adl->PageCount, 2U);
	KUNIT_EXPECT_EQ(test, (u32)adl->Flags.Contiguous, 1U);
	KUNIT_EXPECT_EQ(test, (u32)adl->Flags.Reserved, 0U);
	dxgkpm_call_free_adl(kt, con.amo, adl);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 0L);
}

/*
 * FreeAdl refuses what is not a live ADL of the AMO given: a NULL pAdl, an
 * ADL of another object's AMO, a pointer that is not an ADL (a stack
 * variable, which must never be dereferenced: KASAN would report it), an
 * ADL through a bad AMO handle, and an ADL freed already. Passes if none of
 * these changes anything and the live ADLs are then freed normally.
 */
static void dxgkpm_ddi_free_adl_bad(struct kunit *test)
{
	DXGK_ADL fake = { .PageCount = 1, .BasePageNumber = 1 };
	DXGK_ADL *adl_x, *adl_y, *gone;
	struct ddi_snap before;
	struct dxgkpm_call_obj x, y;
	struct dxgkpm_kt *kt;

	kt = dxgkpm_kt_setup(test, 0);
	x = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	y = ddi_new(test, kt, kt->h, DXGK_PHYSICAL_MEMORY_TYPE_MDL, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(kt, x.amo, 0, PAGE_SIZE, 0, &adl_x),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(kt, y.amo, 0, PAGE_SIZE, 0, &adl_y),
			STATUS_SUCCESS);
	KUNIT_ASSERT_EQ(test,
			dxgkpm_call_adl(kt, x.amo, 0, PAGE_SIZE, 0, &gone),
			STATUS_SUCCESS);
	dxgkpm_call_free_adl(kt, x.amo, gone);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 2L);

	ddi_snap(&before);
	dxgkpm_call_free_adl(kt, x.amo, NULL);
	dxgkpm_call_free_adl(kt, x.amo, adl_y);
	dxgkpm_call_free_adl(kt, y.amo, adl_x);
	dxgkpm_call_free_adl(kt, x.amo, &fake);
	dxgkpm_call_free_adl(kt, x.pmo, adl_x);
	dxgkpm_call_free_adl(kt, DDI_BOGUS, adl_x);
	dxgkpm_call_free_adl(kt, x.amo, gone);
	ddi_expect_same(test, &before, "bad FreeAdl");
	KUNIT_EXPECT_EQ(test, fake.PageCount, 1U);

	dxgkpm_call_free_adl(kt, x.amo, adl_x);
	dxgkpm_call_free_adl(kt, y.amo, adl_y);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adls), 0L);
}

static struct kunit_case dxgkpm_ddi_cases[] = {
	KUNIT_CASE(dxgkpm_ddi_query_interface_args),
	KUNIT_CASE(dxgkpm_ddi_query_interface_fills),
	KUNIT_CASE(dxgkpm_ddi_query_interface_unregistered),
	KUNIT_CASE(dxgkpm_ddi_null_args),
	KUNIT_CASE(dxgkpm_ddi_bad_pmo_handles),
	KUNIT_CASE(dxgkpm_ddi_bad_amo_handles),
	KUNIT_CASE(dxgkpm_ddi_bad_adapter_handles),
	KUNIT_CASE(dxgkpm_ddi_create_bad_sizes),
	KUNIT_CASE(dxgkpm_ddi_create_bad_enums),
	KUNIT_CASE(dxgkpm_ddi_create_bad_mdl),
	KUNIT_CASE(dxgkpm_ddi_create_bad_section),
	KUNIT_CASE(dxgkpm_ddi_create_bad_contiguous),
	KUNIT_CASE(dxgkpm_ddi_create_bad_io_space),
	KUNIT_CASE(dxgkpm_ddi_open_twice),
	KUNIT_CASE(dxgkpm_ddi_close),
	KUNIT_CASE(dxgkpm_ddi_destroy),
	KUNIT_CASE(dxgkpm_ddi_other_adapter),
	KUNIT_CASE(dxgkpm_ddi_map_bad),
	KUNIT_CASE(dxgkpm_ddi_map_user_refused),
	KUNIT_CASE(dxgkpm_ddi_unmap_bad),
	KUNIT_CASE(dxgkpm_ddi_unmap_user_bad),
	KUNIT_CASE(dxgkpm_ddi_stale_frees),
	KUNIT_CASE(dxgkpm_ddi_adl_bad),
	KUNIT_CASE(dxgkpm_ddi_free_adl_bad),
	{}
};

static struct kunit_suite dxgkpm_ddi_suite = {
	.name = "dxgkpm_ddi",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_ddi_cases,
};

kunit_test_suite(dxgkpm_ddi_suite);
