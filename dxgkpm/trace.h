/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Tracepoints: one per DXGK callback (their NTSTATUS) and one per native
 * entry point (their -errno), each with the object's handle, type, cache
 * type and the size of the call. See Documentation/dxgkpm.rst, "Tracing".
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dxgkpm

#if !defined(_DXGKPM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DXGKPM_TRACE_H

#include <linux/tracepoint.h>

#include <dxgkpm/dxgkpm.h>

TRACE_DEFINE_ENUM(DXGKPM_MEM_PAGES);
TRACE_DEFINE_ENUM(DXGKPM_MEM_CONTIGUOUS);
TRACE_DEFINE_ENUM(DXGKPM_MEM_SECTION);
TRACE_DEFINE_ENUM(DXGKPM_MEM_IO_SPACE);
TRACE_DEFINE_ENUM(DXGKPM_CACHING_UNCACHED);
TRACE_DEFINE_ENUM(DXGKPM_CACHING_CACHED);
TRACE_DEFINE_ENUM(DXGKPM_CACHING_WC);

#define DXGKPM_TRACE_TYPES					\
	{ -1, "-" },						\
	{ DXGKPM_MEM_PAGES, "mdl" },				\
	{ DXGKPM_MEM_CONTIGUOUS, "contiguous" },		\
	{ DXGKPM_MEM_SECTION, "section" },			\
	{ DXGKPM_MEM_IO_SPACE, "io-space" }

#define DXGKPM_TRACE_CACHING					\
	{ -1, "-" },						\
	{ DXGKPM_CACHING_UNCACHED, "uncached" },		\
	{ DXGKPM_CACHING_CACHED, "cached" },			\
	{ DXGKPM_CACHING_WC, "write-combined" }

/*
 * A DXGK callback: @handle is the object, attachment or 2.4 memory handle
 * the call names (for a create, the one it made), @type and @caching those
 * of its object (-1 where no live object goes with the handle), @size the
 * bytes of the call, @status what the callback returned (for a VOID one,
 * what it would have).
 */
DECLARE_EVENT_CLASS(dxgkpm_ddi_call,
	TP_PROTO(u64 handle, int type, int caching, u64 size, u32 status),
	TP_ARGS(handle, type, caching, size, status),
	TP_STRUCT__entry(
		__field(u64, handle)
		__field(int, type)
		__field(int, caching)
		__field(u64, size)
		__field(u32, status)
	),
	TP_fast_assign(
		__entry->handle = handle;
		__entry->type = type;
		__entry->caching = caching;
		__entry->size = size;
		__entry->status = status;
	),
	TP_printk("handle=%#llx type=%s caching=%s size=%llu status=%#x",
		  __entry->handle,
		  __print_symbolic(__entry->type, DXGKPM_TRACE_TYPES),
		  __print_symbolic(__entry->caching, DXGKPM_TRACE_CACHING),
		  __entry->size, __entry->status)
);

#define DXGKPM_DDI_EVENT(name)						\
	DEFINE_EVENT(dxgkpm_ddi_call, name,				\
		TP_PROTO(u64 handle, int type, int caching, u64 size,	\
			 u32 status),					\
		TP_ARGS(handle, type, caching, size, status))

DXGKPM_DDI_EVENT(dxgkcb_create_physical_memory_object);
DXGKPM_DDI_EVENT(dxgkcb_destroy_physical_memory_object);
DXGKPM_DDI_EVENT(dxgkcb_open_physical_memory_object);
DXGKPM_DDI_EVENT(dxgkcb_close_physical_memory_object);
DXGKPM_DDI_EVENT(dxgkcb_map_physical_memory);
DXGKPM_DDI_EVENT(dxgkcb_unmap_physical_memory);
DXGKPM_DDI_EVENT(dxgkcb_allocate_adl);
DXGKPM_DDI_EVENT(dxgkcb_free_adl);
DXGKPM_DDI_EVENT(dxgkcb_allocate_contiguous_memory);
DXGKPM_DDI_EVENT(dxgkcb_free_contiguous_memory);
DXGKPM_DDI_EVENT(dxgkcb_allocate_pages_for_mdl);
DXGKPM_DDI_EVENT(dxgkcb_free_pages_from_mdl);
DXGKPM_DDI_EVENT(dxgkcb_map_mdl_to_iommu);
DXGKPM_DDI_EVENT(dxgkcb_unmap_mdl_from_iommu);

/*
 * A native entry point: @handle, @type and @caching name the object it
 * works on (struct dxgkpm_trace_id: handle 0, type and cache type -1 when
 * it was given none), @size the bytes of the call, @ret what it returned.
 */
DECLARE_EVENT_CLASS(dxgkpm_native_call,
	TP_PROTO(u64 handle, int type, int caching, u64 size, int ret),
	TP_ARGS(handle, type, caching, size, ret),
	TP_STRUCT__entry(
		__field(u64, handle)
		__field(int, type)
		__field(int, caching)
		__field(u64, size)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->handle = handle;
		__entry->type = type;
		__entry->caching = caching;
		__entry->size = size;
		__entry->ret = ret;
	),
	TP_printk("handle=%#llx type=%s caching=%s size=%llu ret=%d",
		  __entry->handle,
		  __print_symbolic(__entry->type, DXGKPM_TRACE_TYPES),
		  __print_symbolic(__entry->caching, DXGKPM_TRACE_CACHING),
		  __entry->size, __entry->ret)
);

#define DXGKPM_NATIVE_EVENT(name)					\
	DEFINE_EVENT(dxgkpm_native_call, name,				\
		TP_PROTO(u64 handle, int type, int caching, u64 size,	\
			 int ret),					\
		TP_ARGS(handle, type, caching, size, ret))

DXGKPM_NATIVE_EVENT(dxgkpm_pmo_create);
DXGKPM_NATIVE_EVENT(dxgkpm_pmo_destroy);
DXGKPM_NATIVE_EVENT(dxgkpm_pmo_open);
DXGKPM_NATIVE_EVENT(dxgkpm_amo_close);
DXGKPM_NATIVE_EVENT(dxgkpm_map_kernel);
DXGKPM_NATIVE_EVENT(dxgkpm_unmap_kernel);
DXGKPM_NATIVE_EVENT(dxgkpm_map_user);
DXGKPM_NATIVE_EVENT(dxgkpm_unmap_user);
DXGKPM_NATIVE_EVENT(dxgkpm_adl_alloc);
DXGKPM_NATIVE_EVENT(dxgkpm_adl_free);
DXGKPM_NATIVE_EVENT(dxgkpm_pmo_export);
DXGKPM_NATIVE_EVENT(dxgkpm_pmo_mmap);
DXGKPM_NATIVE_EVENT(dxgkpm_import_dmabuf);
DXGKPM_NATIVE_EVENT(dxgkpm_import_release);

#endif /* _DXGKPM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
