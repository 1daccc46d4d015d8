// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Hostile input at scale: every callback of DXGKRNL_INTERFACE, called at
 * random, each call either well formed or carrying exactly one mistake:
 * stale, forged, foreign-adapter and wrong-kind handles, NULL argument
 * structures, extreme and overflowing sizes and offsets, illegal flags,
 * types, windows and cache types, and orders the contract forbids (destroy
 * with live ADLs or kernel views, close twice, unmap with the wrong base or
 * size, free an ADL through another object).
 *
 * The test keeps a model of everything alive and checks every call against
 * it. A call that returns an NTSTATUS must return exactly the status the
 * documentation (Documentation/dxgkpm.rst) gives for its mistake, or
 * STATUS_SUCCESS when it has none; its outputs are NULL on failure. A VOID
 * call (Destroy, Close, FreeAdl, Unmap, UnmapMdlFromIoMmu) is checked by
 * what it did: after each call the test compares dxgkpm_stats with the
 * totals of its model, a refused call must leave every counter as it was,
 * and the objects it touched are inspected (their handles alive or dead,
 * their ADLs, kernel views and user-view VMAs exactly the model's). A lack
 * of resources for a well-formed call of a few pages is counted apart and
 * fails the test: at these sizes it must not happen. At the end the model
 * tears everything down and dxgkpm must hold nothing; each seed prints its
 * calls per callback and outcome and must reach minimum success counts, and
 * every mistake of every callback must have been made. Seeds are fixed and
 * printed, so a failure replays.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "helpers.h"

#define HOSTILE_SEEDS		4
#define HOSTILE_CALLS		26000	/* per seed: > 10^5 calls in all */
#define HOSTILE_OBJECTS		24
#define HOSTILE_ADLS		4
#define HOSTILE_VIEWS		3
#define HOSTILE_GHOSTS		6	/* destroyed objects with user views */
#define HOSTILE_DEAD		64
#define HOSTILE_MEM24		6
#define HOSTILE_MAPS24		4
#define HOSTILE_MAX_PAGES	6	/* largest object */
#define HOSTILE_MDL_PAGES	4	/* the test's own pages, for MDLs */
#define HOSTILE_STATS		16	/* room for every dxgkpm_stats counter */
#define HOSTILE_FAILURES	8	/* reported before a seed stops */

static const u32 hostile_seeds[HOSTILE_SEEDS] = {
	0x5eed0001, 0xdeadbeef, 0x0badcafe, 0x13572468,
};

/* The callbacks, as counted. */
enum hostile_kind {
	HK_CREATE,
	HK_DESTROY,
	HK_OPEN,
	HK_CLOSE,
	HK_ADL,
	HK_FREE_ADL,
	HK_MAP,
	HK_UNMAP,
	HK_ACM,		/* DxgkCbAllocateContiguousMemory */
	HK_FCM,		/* DxgkCbFreeContiguousMemory */
	HK_APM,		/* DxgkCbAllocatePagesForMdl */
	HK_FPM,		/* DxgkCbFreePagesFromMdl */
	HK_MMI,		/* DxgkCbMapMdlToIoMmu */
	HK_UMI,		/* DxgkCbUnmapMdlFromIoMmu */
	HK_NR,
};

static const char *const hostile_kind_names[HK_NR] = {
	[HK_CREATE] = "Create",
	[HK_DESTROY] = "Destroy",
	[HK_OPEN] = "Open",
	[HK_CLOSE] = "Close",
	[HK_ADL] = "AllocateAdl",
	[HK_FREE_ADL] = "FreeAdl",
	[HK_MAP] = "Map",
	[HK_UNMAP] = "Unmap",
	[HK_ACM] = "AllocateContiguousMemory",
	[HK_FCM] = "FreeContiguousMemory",
	[HK_APM] = "AllocatePagesForMdl",
	[HK_FPM] = "FreePagesFromMdl",
	[HK_MMI] = "MapMdlToIoMmu",
	[HK_UMI] = "UnmapMdlFromIoMmu",
};

/* What a call returned, or for a VOID call, what it did. */
enum hostile_outcome {
	HO_SUCCESS,		/* STATUS_SUCCESS; a VOID call took effect */
	HO_REFUSED,		/* a VOID call changed nothing */
	HO_PARAMETER,		/* STATUS_INVALID_PARAMETER */
	HO_HANDLE,		/* STATUS_INVALID_HANDLE */
	HO_RESOURCES,		/* STATUS_INSUFFICIENT_RESOURCES, predicted */
	HO_NOT_SUPPORTED,	/* STATUS_NOT_SUPPORTED */
	HO_DEVICE_STATE,	/* STATUS_INVALID_DEVICE_STATE */
	HO_DENIED,		/* STATUS_ACCESS_DENIED */
	HO_EXHAUSTED,		/* resources lacking for a well-formed call */
	HO_OTHER,		/* any other status: always wrong */
	HO_NR,
};

static const char *const hostile_outcome_names[HO_NR] = {
	[HO_SUCCESS] = "ok",
	[HO_REFUSED] = "refused",
	[HO_PARAMETER] = "param",
	[HO_HANDLE] = "handle",
	[HO_RESOURCES] = "resources",
	[HO_NOT_SUPPORTED] = "not-supported",
	[HO_DEVICE_STATE] = "device-state",
	[HO_DENIED] = "denied",
	[HO_EXHAUSTED] = "EXHAUSTED",
	[HO_OTHER] = "OTHER",
};

/* The one mistake a call carries (HM_NONE: a well-formed call). */
enum hostile_mistake {
	HM_NONE,
	HM_NULL_ARGS,		/* NULL argument structure (or pAdl, pMdl) */
	HM_BAD_HANDLE,		/* the object handle is stale, forged, NULL */
	HM_WRONG_KIND,		/* a live handle of another kind */
	HM_BAD_ADAPTER,		/* hAdapter stale, forged or garbage */
	HM_FOREIGN,		/* what belongs to another object or adapter */
	HM_BAD_AMO,		/* Destroy: a garbage hAdapterMemoryObject */
	HM_SIZE_ZERO,
	HM_SIZE_OVERFLOW,	/* sizes and ranges that overflow or exceed */
	HM_BEYOND_RAM,		/* more pages than the machine has */
	HM_OUT_OF_RANGE,	/* a range past the end of the object */
	HM_UNALIGNED,		/* ADL offset or size not page aligned */
	HM_BAD_TYPE,
	HM_BAD_CACHE,
	HM_BAD_FLAGS,		/* unknown or reserved flag bits */
	HM_UNSUPPORTED_FLAGS,	/* MM_ALLOCATE_FAST_LARGE_PAGES, _AND_HOT_REMOVE */
	HM_BAD_WINDOW,		/* an address window that cannot hold it */
	HM_BAD_SKIP,		/* SkipBytes not a page multiple */
	HM_BAD_BOUNDARY,	/* not a power of two, or below the size */
	HM_BAD_PROTECTION,	/* a section's PageProtection */
	HM_BAD_ATTRIBUTES,	/* a section's AllocationAttributes */
	HM_NAMED_SECTION,	/* a section's ObjectAttributes name one */
	HM_IO_OUTSIDE_BAR,	/* IO space that is not the adapter's BAR */
	HM_REQUIRE_CONTIG,	/* RequireContiguous on MDL or section memory */
	HM_BAD_MODE,		/* AccessMode */
	HM_USER_IO,		/* a user view of IO space */
	HM_UNZEROED,		/* a user view of MM_DONT_ZERO_ALLOCATION memory */
	HM_WC_COPY,		/* a user view of a WC write-copy section */
	HM_ALREADY_OPEN,	/* Open of an open object */
	HM_BUSY,		/* Destroy/Close with live ADLs or kernel views */
	HM_NOT_LIVE,		/* a pointer or base that is no live ADL or view */
	HM_WRONG_SIZE,		/* Unmap with another size than the view's */
	HM_BAD_MDL,		/* an MDL's header or PFNs */
	HM_NR,
};

static const char *const hostile_mistake_names[HM_NR] = {
	[HM_NONE] = "well-formed",
	[HM_NULL_ARGS] = "NULL arguments",
	[HM_BAD_HANDLE] = "bad handle",
	[HM_WRONG_KIND] = "wrong-kind handle",
	[HM_BAD_ADAPTER] = "bad hAdapter",
	[HM_FOREIGN] = "another's handle",
	[HM_BAD_AMO] = "garbage AMO",
	[HM_SIZE_ZERO] = "size 0",
	[HM_SIZE_OVERFLOW] = "overflowing size",
	[HM_BEYOND_RAM] = "beyond RAM",
	[HM_OUT_OF_RANGE] = "out of range",
	[HM_UNALIGNED] = "unaligned",
	[HM_BAD_TYPE] = "bad type",
	[HM_BAD_CACHE] = "bad cache type",
	[HM_BAD_FLAGS] = "bad flags",
	[HM_UNSUPPORTED_FLAGS] = "unsupported flags",
	[HM_BAD_WINDOW] = "bad window",
	[HM_BAD_SKIP] = "bad SkipBytes",
	[HM_BAD_BOUNDARY] = "bad boundary",
	[HM_BAD_PROTECTION] = "bad protection",
	[HM_BAD_ATTRIBUTES] = "bad attributes",
	[HM_NAMED_SECTION] = "named section",
	[HM_IO_OUTSIDE_BAR] = "IO outside the BAR",
	[HM_REQUIRE_CONTIG] = "RequireContiguous",
	[HM_BAD_MODE] = "bad AccessMode",
	[HM_USER_IO] = "user view of IO",
	[HM_UNZEROED] = "user view of unzeroed",
	[HM_WC_COPY] = "user view of write-combined write-copy",
	[HM_ALREADY_OPEN] = "already open",
	[HM_BUSY] = "busy",
	[HM_NOT_LIVE] = "not live",
	[HM_WRONG_SIZE] = "wrong size",
	[HM_BAD_MDL] = "bad MDL",
};

/* ---------------------------------------------------------------- model */

struct hostile_adl {
	DXGK_ADL *p;
	u32 first;
	u32 pages;
};

struct hostile_view {
	void *base;
	SIZE_T size;
	u32 first;
};

/* What the model knows of one live object. */
struct hostile_obj {
	bool live;
	bool unzeroed;		/* MM_DONT_ZERO_ALLOCATION: no user views */
	bool wc_copy;		/* write-combined write-copy section: none */
	unsigned int owner;	/* adapter the AMO is on */
	DXGK_PHYSICAL_MEMORY_TYPE type;
	DXGK_MEMORY_CACHING_TYPE cache;
	SIZE_T pages;
	HANDLE pmo;
	HANDLE amo;		/* NULL when closed */
	struct hostile_adl adl[HOSTILE_ADLS];
	struct hostile_view kview[HOSTILE_VIEWS];
	struct hostile_view uview[HOSTILE_VIEWS];
};

/* WDDM 2.4 allocations (hMemoryHandle) and MDL mappings. */
struct hostile_mem24 {
	HANDLE h;
	unsigned int owner;
	bool mdl;		/* AllocatePagesForMdl, else contiguous */
	DXGK_MEMORY_CACHING_TYPE cache;
	SIZE_T pages;
	PMDL pmdl;
};

struct hostile_map24 {
	HANDLE h;
	unsigned int owner;
};

/* An MDL the test fills in itself, over its own pages. */
struct hostile_mdl {
	MDL mdl;
	PFN_NUMBER pfn[HOSTILE_MDL_PAGES + 1];
};

struct hostile_snap {
	long v[HOSTILE_STATS];
};

struct hostile {
	struct kunit *test;
	u32 seed;
	struct rnd_state rnd;
	struct dxgkpm_kt *kt[2];
	phys_addr_t bar[2];	/* each edu's BAR0 */
	pgoff_t bar_pages[2];
	unsigned long ram_pages;
	struct hostile_obj obj[HOSTILE_OBJECTS];
	/* Destroyed objects a user view still holds (type, pages, uviews). */
	struct hostile_obj ghost[HOSTILE_GHOSTS];
	struct hostile_mem24 mem[HOSTILE_MEM24];
	struct hostile_map24 map[HOSTILE_MAPS24];
	struct page *page[HOSTILE_MDL_PAGES];
	struct hostile_mdl mdl;
	/* Handles and ADL pointers that were valid once. */
	HANDLE dead[HOSTILE_DEAD];
	unsigned int ndead;
	DXGK_ADL *dead_adl[HOSTILE_DEAD];
	unsigned int ndead_adl;

	unsigned long calls;
	unsigned int failures;
	bool stop;
	unsigned long outcomes[HK_NR][HO_NR];
	unsigned long mistakes[HK_NR][HM_NR];
	unsigned long created[4];	/* per DXGK_PHYSICAL_MEMORY_TYPE */
	unsigned long adls[4];		/* ADLs built, per type */
	unsigned long views[2];		/* views made, per DXGK_ACCESS_MODE */
	unsigned long ghost_munmaps;	/* user views unmapped after Destroy */
};

static u32 hr(struct hostile *h, u32 n)
{
	return n ? prandom_u32_state(&h->rnd) % n : 0;
}

static bool hchance(struct hostile *h, u32 percent)
{
	return hr(h, 100) < percent;
}

static const DXGKRNL_INTERFACE *hif(struct hostile *h, unsigned int i)
{
	return &h->kt[i]->iface;
}

static HANDLE hadapter(struct hostile *h, unsigned int i)
{
	return h->kt[i]->h;
}

/* Report a broken expectation; after a few, stop the seed. */
static __printf(2, 3) void hostile_fail(struct hostile *h, const char *fmt,
					...)
{
	struct va_format vaf;
	va_list args;

	h->stop = true;
	if (h->failures++ >= HOSTILE_FAILURES)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	KUNIT_FAIL(h->test, "seed %#x call %lu: %pV", h->seed, h->calls, &vaf);
	va_end(args);
}

/* A handle's value, for messages (handles are not kernel pointers). */
static unsigned long long hv(HANDLE handle)
{
	return dxgkpm_handle_to_u64(handle);
}

static void hostile_bury(struct hostile *h, HANDLE handle)
{
	if (handle)
		h->dead[h->ndead++ % HOSTILE_DEAD] = handle;
}

static void hostile_bury_adl(struct hostile *h, DXGK_ADL *adl)
{
	h->dead_adl[h->ndead_adl++ % HOSTILE_DEAD] = adl;
}

static unsigned int hostile_nadls(const struct hostile_obj *o)
{
	unsigned int i, n = 0;

	for (i = 0; i < HOSTILE_ADLS; i++)
		n += !!o->adl[i].p;
	return n;
}

static unsigned int hostile_nviews(const struct hostile_view *v)
{
	unsigned int i, n = 0;

	for (i = 0; i < HOSTILE_VIEWS; i++)
		n += !!v[i].base;
	return n;
}

static bool hostile_busy(const struct hostile_obj *o)
{
	return hostile_nadls(o) || hostile_nviews(o->kview);
}

/* Whether a pointer is a live ADL of any modelled object. */
static bool hostile_adl_live(const struct hostile *h, const DXGK_ADL *p)
{
	unsigned int i, j;

	for (i = 0; i < HOSTILE_OBJECTS; i++)
		for (j = 0; h->obj[i].live && j < HOSTILE_ADLS; j++)
			if (h->obj[i].adl[j].p == p)
				return true;
	return false;
}

/* A random live object of the model with @want, or NULL. */
static struct hostile_obj *hostile_pick(struct hostile *h,
					bool (*want)(const struct hostile_obj *o))
{
	unsigned int i, start = hr(h, HOSTILE_OBJECTS);

	for (i = 0; i < HOSTILE_OBJECTS; i++) {
		struct hostile_obj *o = &h->obj[(start + i) % HOSTILE_OBJECTS];

		if (o->live && (!want || want(o)))
			return o;
	}
	return NULL;
}

/*
 * A free slot of the model. There is always one between calls: a call
 * that takes the last gives something back at once (through a checked
 * call), so that adding never has to wait for room.
 */
static struct hostile_obj *hostile_obj_slot(struct hostile *h)
{
	unsigned int i;

	for (i = 0; i < HOSTILE_OBJECTS; i++)
		if (!h->obj[i].live)
			return &h->obj[i];
	return NULL;
}

static bool hostile_is_open(const struct hostile_obj *o)
{
	return o->amo;
}

static bool hostile_is_closed(const struct hostile_obj *o)
{
	return !o->amo;
}

static bool hostile_has_adl(const struct hostile_obj *o)
{
	return o->amo && hostile_nadls(o);
}

static bool hostile_has_view(const struct hostile_obj *o)
{
	return hostile_nviews(o->kview) || hostile_nviews(o->uview);
}

/* Another live object than @o, or NULL. */
static struct hostile_obj *hostile_other(struct hostile *h,
					 const struct hostile_obj *o,
					 bool (*want)(const struct hostile_obj *o))
{
	unsigned int i, start = hr(h, HOSTILE_OBJECTS);

	for (i = 0; i < HOSTILE_OBJECTS; i++) {
		struct hostile_obj *c = &h->obj[(start + i) % HOSTILE_OBJECTS];

		if (c != o && c->live && (!want || want(c)))
			return c;
	}
	return NULL;
}

static struct hostile_mem24 *hostile_pick_mem24(struct hostile *h, int mdl)
{
	unsigned int i, start = hr(h, HOSTILE_MEM24);

	for (i = 0; i < HOSTILE_MEM24; i++) {
		struct hostile_mem24 *m = &h->mem[(start + i) % HOSTILE_MEM24];

		if (m->h && (mdl < 0 || m->mdl == mdl))
			return m;
	}
	return NULL;
}

static struct hostile_map24 *hostile_pick_map24(struct hostile *h)
{
	unsigned int i, start = hr(h, HOSTILE_MAPS24);

	for (i = 0; i < HOSTILE_MAPS24; i++)
		if (h->map[(start + i) % HOSTILE_MAPS24].h)
			return &h->map[(start + i) % HOSTILE_MAPS24];
	return NULL;
}

/*
 * A handle that is no live handle of any kind: stale, forged, a live one
 * with its generation tag or kind altered, a small integer, or NULL
 * (unless @nonnull: where NULL means "none", it is no mistake).
 */
static HANDLE hostile_bad_handle(struct hostile *h, bool nonnull)
{
	u64 v;

	switch (hr(h, 5)) {
	case 0:
		if (h->ndead) {
			v = (uintptr_t)h->dead[hr(h, min_t(u32, h->ndead,
							    HOSTILE_DEAD))];
			break;
		}
		fallthrough;
	case 1:
		v = ((u64)prandom_u32_state(&h->rnd) << 32) |
		    prandom_u32_state(&h->rnd);
		break;
	case 2:
		v = (uintptr_t)hadapter(h, hr(h, 2)) ^ BIT_ULL(32 + hr(h, 24));
		break;
	case 3:
		/* A live handle of another kind than any there is. */
		v = ((uintptr_t)hadapter(h, hr(h, 2)) & GENMASK_ULL(55, 0)) |
		    ((u64)(DXGKPM_KIND_COUNT + hr(h, 200)) << 56);
		break;
	default:
		v = hr(h, 1 << 16);
		break;
	}
	if (!v && nonnull)
		v = 1;
	return (HANDLE)(uintptr_t)v;
}

/* A live handle, but not of kind @not. */
static HANDLE hostile_wrong_kind(struct hostile *h, enum dxgkpm_kind not)
{
	struct hostile_obj *o = hostile_pick(h, NULL);
	struct hostile_mem24 *m = hostile_pick_mem24(h, -1);
	HANDLE c[4];
	unsigned int n = 0;

	if (not != DXGKPM_KIND_ADAPTER)
		c[n++] = hadapter(h, hr(h, 2));
	if (not != DXGKPM_KIND_PMO && o)
		c[n++] = o->pmo;
	if (not != DXGKPM_KIND_AMO && o && o->amo)
		c[n++] = o->amo;
	if (not != DXGKPM_KIND_MEM24 && m)
		c[n++] = m->h;
	return n ? c[hr(h, n)] : hostile_bad_handle(h, true);
}

/* Pick no mistake, or one of @list. */
static enum hostile_mistake hostile_mistake(struct hostile *h,
					    const enum hostile_mistake *list,
					    unsigned int n)
{
	return hchance(h, 45) ? list[hr(h, n)] : HM_NONE;
}

/* ------------------------------------------------------------- checking */

static void hostile_snap(struct hostile_snap *s)
{
	const char *name;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < dxgkpm_stats_count(); i++)
		s->v[i] = dxgkpm_stats_read(i, &name);
}

/* Which counter changed, or NULL. */
static const char *hostile_changed(const struct hostile_snap *a,
				   const struct hostile_snap *b)
{
	const char *name;
	unsigned int i;

	for (i = 0; i < dxgkpm_stats_count(); i++)
		if (a->v[i] != b->v[i]) {
			dxgkpm_stats_read(i, &name);
			return name;
		}
	return NULL;
}

static void hostile_begin(struct hostile *h, struct hostile_snap *before)
{
	h->calls++;
	hostile_snap(before);
}

static enum hostile_outcome hostile_outcome_of(NTSTATUS status)
{
	switch (status) {
	case STATUS_SUCCESS:
		return HO_SUCCESS;
	case STATUS_INVALID_PARAMETER:
		return HO_PARAMETER;
	case STATUS_INVALID_HANDLE:
		return HO_HANDLE;
	case STATUS_INSUFFICIENT_RESOURCES:
		return HO_RESOURCES;
	case STATUS_NOT_SUPPORTED:
		return HO_NOT_SUPPORTED;
	case STATUS_INVALID_DEVICE_STATE:
		return HO_DEVICE_STATE;
	case STATUS_ACCESS_DENIED:
		return HO_DENIED;
	default:
		return HO_OTHER;
	}
}

/*
 * Account an NTSTATUS call, which must have returned @want exactly. A lack
 * of resources where the model expects success is counted apart as
 * "exhausted" (the seed fails on it at the end, with the count). A failed
 * call must have changed nothing. Return: whether it succeeded.
 */
static bool hostile_status(struct hostile *h, enum hostile_kind kind,
			   enum hostile_mistake m, NTSTATUS status,
			   NTSTATUS want, const struct hostile_snap *before)
{
	enum hostile_outcome o = hostile_outcome_of(status);
	struct hostile_snap after;
	const char *changed;

	if (o == HO_RESOURCES && want == STATUS_SUCCESS)
		o = HO_EXHAUSTED;
	h->mistakes[kind][m]++;
	h->outcomes[kind][o]++;
	if (status != want && o != HO_EXHAUSTED)
		hostile_fail(h, "%s (%s): status %#x, want %#x",
			     hostile_kind_names[kind], hostile_mistake_names[m],
			     status, want);
	if (NT_SUCCESS(status))
		return true;
	hostile_snap(&after);
	changed = hostile_changed(before, &after);
	if (changed)
		hostile_fail(h, "%s (%s) failed with %#x but changed dxgkpm_stats.%s",
			     hostile_kind_names[kind], hostile_mistake_names[m],
			     status, changed);
	return false;
}

/*
 * Account a VOID call: it must have taken effect (changed some counter) if
 * and only if the model says so. Return: whether it took effect.
 */
static bool hostile_void(struct hostile *h, enum hostile_kind kind,
			 enum hostile_mistake m, bool want,
			 const struct hostile_snap *before)
{
	struct hostile_snap after;
	const char *changed;

	hostile_snap(&after);
	changed = hostile_changed(before, &after);
	h->mistakes[kind][m]++;
	h->outcomes[kind][changed ? HO_SUCCESS : HO_REFUSED]++;
	if (want && !changed)
		hostile_fail(h, "%s (%s) changed nothing",
			     hostile_kind_names[kind], hostile_mistake_names[m]);
	else if (!want && changed)
		hostile_fail(h, "%s (%s) was not refused: dxgkpm_stats.%s changed",
			     hostile_kind_names[kind], hostile_mistake_names[m],
			     changed);
	return changed;
}

static void hostile_expect_stat(struct hostile *h, const char *name,
				long value, long model)
{
	if (value != model)
		hostile_fail(h, "dxgkpm_stats.%s is %ld, the model says %ld",
			     name, value, model);
}

/* Pages the linear map holds for an object of @type, by cache type. */
static void hostile_count_pages(const struct hostile_obj *o, long *pages,
				long *wc, long *uc)
{
	if (o->type != DXGK_PHYSICAL_MEMORY_TYPE_MDL &&
	    o->type != DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY)
		return;
	*pages += o->pages;
	if (o->cache == DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED)
		*wc += o->pages;
	else if (o->cache == DXGK_MEMORY_CACHING_TYPE_NON_CACHED)
		*uc += o->pages;
}

static u32 hostile_range_mask(u32 first, u32 pages)
{
	return pages ? GENMASK(first + pages - 1, first) : 0;
}

/*
 * A section's pins: one per page of each ADL, kernel view and, for a
 * write-combined section, user view; and the pages of a write-combined
 * section that any pin holds are write-combined on the linear map.
 */
static void hostile_count_pins(const struct hostile_obj *o, long *wc,
			       long *pinned)
{
	bool is_wc = o->cache == DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED;
	u32 held = 0, n;
	unsigned int j;

	static_assert(HOSTILE_MAX_PAGES <= 32);
	if (o->type != DXGK_PHYSICAL_MEMORY_TYPE_SECTION)
		return;
	for (j = 0; j < HOSTILE_ADLS; j++) {
		*pinned += o->adl[j].pages;
		held |= hostile_range_mask(o->adl[j].first, o->adl[j].pages);
	}
	for (j = 0; j < HOSTILE_VIEWS; j++) {
		if (o->kview[j].base) {
			n = o->kview[j].size >> PAGE_SHIFT;
			*pinned += n;
			held |= hostile_range_mask(o->kview[j].first, n);
		}
		if (o->uview[j].base && is_wc) {
			n = o->uview[j].size >> PAGE_SHIFT;
			*pinned += n;
			held |= hostile_range_mask(o->uview[j].first, n);
		}
	}
	if (is_wc)
		*wc += hweight32(held);
}

/*
 * Every dxgkpm counter must be what the model says is alive: handles,
 * objects (destroyed ones a user view holds included), attachments, ADLs,
 * views, pages by cache type, section pins and DMA mappings, the WDDM 2.4
 * allocations (an object, an attachment, an ADL and, for contiguous
 * memory, a kernel view each) and MDL mappings included.
 */
static void hostile_verify(struct hostile *h)
{
	long handles = 2, pmos = 0, amos = 0, adls = 0, kviews = 0;
	long uviews = 0, pages = 0, wc = 0, uc = 0, pinned = 0, maps = 0;
	unsigned int i;

	for (i = 0; i < HOSTILE_OBJECTS; i++) {
		const struct hostile_obj *o = &h->obj[i];

		if (!o->live)
			continue;
		handles += 1 + !!o->amo;
		pmos++;
		amos += !!o->amo;
		adls += hostile_nadls(o);
		maps += hostile_nadls(o);
		kviews += hostile_nviews(o->kview);
		uviews += hostile_nviews(o->uview);
		hostile_count_pages(o, &pages, &wc, &uc);
		hostile_count_pins(o, &wc, &pinned);
	}
	for (i = 0; i < HOSTILE_GHOSTS; i++) {
		if (!h->ghost[i].live)
			continue;
		pmos++;
		uviews += hostile_nviews(h->ghost[i].uview);
		hostile_count_pages(&h->ghost[i], &pages, &wc, &uc);
		hostile_count_pins(&h->ghost[i], &wc, &pinned);
	}
	for (i = 0; i < HOSTILE_MEM24; i++) {
		const struct hostile_mem24 *m = &h->mem[i];
		struct hostile_obj as_obj = {
			.type = DXGK_PHYSICAL_MEMORY_TYPE_MDL,
			.cache = m->cache,
			.pages = m->pages,
		};

		if (!m->h)
			continue;
		handles++;
		pmos++;
		amos++;
		adls++;
		maps++;
		kviews += !m->mdl;
		hostile_count_pages(&as_obj, &pages, &wc, &uc);
	}
	for (i = 0; i < HOSTILE_MAPS24; i++) {
		handles += !!h->map[i].h;
		maps += !!h->map[i].h;
	}

	hostile_expect_stat(h, "adapters", DXGKPM_KT_STAT(adapters), 2);
	hostile_expect_stat(h, "handles", DXGKPM_KT_STAT(handles), handles);
	hostile_expect_stat(h, "pmos", DXGKPM_KT_STAT(pmos), pmos);
	hostile_expect_stat(h, "amos", DXGKPM_KT_STAT(amos), amos);
	hostile_expect_stat(h, "adls", DXGKPM_KT_STAT(adls), adls);
	hostile_expect_stat(h, "kviews", DXGKPM_KT_STAT(kviews), kviews);
	hostile_expect_stat(h, "uviews", DXGKPM_KT_STAT(uviews), uviews);
	hostile_expect_stat(h, "pages", DXGKPM_KT_STAT(pages), pages);
	hostile_expect_stat(h, "pages_wc", DXGKPM_KT_STAT(pages_wc), wc);
	hostile_expect_stat(h, "pages_uc", DXGKPM_KT_STAT(pages_uc), uc);
	hostile_expect_stat(h, "pinned", DXGKPM_KT_STAT(pinned), pinned);
	hostile_expect_stat(h, "dma_maps", DXGKPM_KT_STAT(dma_maps), maps);
}

/* The VMA at a user view is exactly the view (or, @gone, nothing is). */
static void hostile_check_vma(struct hostile *h, const struct hostile_view *v,
			      bool gone)
{
	struct mm_struct *mm = current->mm;
	unsigned long start = (unsigned long)v->base;
	struct vm_area_struct *vma;
	bool mapped, exact;

	mmap_read_lock(mm);
	vma = find_vma(mm, start);
	mapped = vma && vma->vm_start <= start;
	exact = mapped && vma->vm_start == start &&
		vma->vm_end - vma->vm_start == v->size;
	mmap_read_unlock(mm);
	if (gone ? mapped : !exact)
		hostile_fail(h, "user view %#lx+%#zx: %s", start, v->size,
			     gone ? "still mapped after it went" :
			     "not mapped as it was made");
}

/*
 * Look at a modelled object from the inside: its handles are alive exactly
 * while the model says so, and its ADLs, kernel views and user views are
 * exactly the model's. This is how the effect of a VOID call is seen.
 */
static void hostile_check_obj(struct hostile *h, const struct hostile_obj *o)
{
	struct dxgkpm_pmo *pmo = dxgkpm_pmo_get_handle(dxgkpm_handle_to_u64(o->pmo));
	struct dxgkpm_kview *kview;
	struct dxgkpm_adl *adl;
	unsigned int i, n;
	bool found;

	if (!o->live) {
		if (pmo) {
			hostile_fail(h, "object %#llx was destroyed but its handle lives",
				     hv(o->pmo));
			dxgkpm_pmo_put(pmo);
		}
		return;
	}
	if (!pmo) {
		hostile_fail(h, "object %#llx should be alive: its handle is dead",
			     hv(o->pmo));
		return;
	}
	mutex_lock(&pmo->lock);
	if (pmo->destroyed)
		hostile_fail(h, "object %#llx should be alive: it is destroyed",
			     hv(o->pmo));
	if (!o->amo != !pmo->amo ||
	    (o->amo && pmo->amo->obj.handle != dxgkpm_handle_to_u64(o->amo)))
		hostile_fail(h, "object %#llx: AMO %#llx, the model says %#llx",
			     hv(o->pmo), pmo->amo ? pmo->amo->obj.handle : 0,
			     hv(o->amo));
	if (pmo->nr_adls != hostile_nadls(o))
		hostile_fail(h, "object %#llx has %u ADLs, the model says %u",
			     hv(o->pmo), pmo->nr_adls, hostile_nadls(o));
	for (i = 0; pmo->amo && i < HOSTILE_ADLS; i++) {
		if (!o->adl[i].p)
			continue;
		found = false;
		list_for_each_entry(adl, &pmo->amo->adls, node)
			found |= dxgkpm_adl_caller(adl) == o->adl[i].p;
		if (!found)
			hostile_fail(h, "object %#llx: ADL %p is gone", hv(o->pmo),
				     o->adl[i].p);
	}
	n = list_count_nodes(&pmo->kviews);
	if (n != hostile_nviews(o->kview))
		hostile_fail(h, "object %#llx has %u kernel views, the model says %u",
			     hv(o->pmo), n, hostile_nviews(o->kview));
	for (i = 0; i < HOSTILE_VIEWS; i++) {
		if (!o->kview[i].base)
			continue;
		found = false;
		list_for_each_entry(kview, &pmo->kviews, node)
			found |= kview->vaddr == o->kview[i].base &&
				 kview->npages << PAGE_SHIFT == o->kview[i].size;
		if (!found)
			hostile_fail(h, "object %#llx: kernel view %p is gone",
				     hv(o->pmo), o->kview[i].base);
	}
	n = list_count_nodes(&pmo->uviews);
	if (n != hostile_nviews(o->uview))
		hostile_fail(h, "object %#llx has %u user views, the model says %u",
			     hv(o->pmo), n, hostile_nviews(o->uview));
	mutex_unlock(&pmo->lock);
	dxgkpm_pmo_put(pmo);
	for (i = 0; i < HOSTILE_VIEWS; i++)
		if (o->uview[i].base)
			hostile_check_vma(h, &o->uview[i], false);
}

/* A handle of another kind than the object's must be dead too. */
static void hostile_check_amo_dead(struct hostile *h, HANDLE handle)
{
	struct dxgkpm_amo *amo = dxgkpm_amo_get_handle(dxgkpm_handle_to_u64(handle));

	if (!amo)
		return;
	hostile_fail(h, "AMO %#llx was closed but its handle lives",
		     hv(handle));
	dxgkpm_amo_put(amo);
}

/* ---------------------------------------------------------- user views */

/* Unmap a user view with munmap, as the process may (not a DXGK call). */
static void hostile_munmap(struct hostile *h, struct hostile_view *v)
{
	int ret = vm_munmap((unsigned long)v->base, v->size);

	if (ret)
		hostile_fail(h, "munmap of user view %p: %d", v->base, ret);
	hostile_check_vma(h, v, true);
	v->base = NULL;
	h->ghost_munmaps++;
}

/*
 * An object is gone: its user views hold it until this process unmaps
 * them. Keep it as a ghost, or unmap its views now when there is no room.
 */
static void hostile_ghost(struct hostile *h, struct hostile_obj *o)
{
	unsigned int i;

	o->live = false;
	if (!hostile_nviews(o->uview))
		return;
	for (i = 0; i < HOSTILE_GHOSTS; i++) {
		if (!h->ghost[i].live) {
			h->ghost[i] = *o;
			h->ghost[i].live = true;
			return;
		}
	}
	for (i = 0; i < HOSTILE_VIEWS; i++)
		if (o->uview[i].base)
			hostile_munmap(h, &o->uview[i]);
	hostile_verify(h);
}

/* ---------------------------------------------------------------- create */

/* A well-formed request of @type of up to HOSTILE_MAX_PAGES through @a. */
static void hostile_create_args(struct hostile *h,
				DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *args,
				DXGK_PHYSICAL_MEMORY_TYPE type, unsigned int a,
				OBJECT_ATTRIBUTES *attrs)
{
	static const ULONG protections[] = {
		PAGE_READWRITE, PAGE_READWRITE, PAGE_READWRITE,
		NT_PAGE_READONLY, PAGE_WRITECOPY, PAGE_EXECUTE,
	};
	pgoff_t npages = 1 + hr(h, HOSTILE_MAX_PAGES);
	u32 flags;

	memset(args, 0, sizeof(*args));
	args->Type = type;
	args->Context = prandom_u32_state(&h->rnd);
	args->CacheType = hr(h, 3);
	args->Size = ((npages - 1) << PAGE_SHIFT) + 1 + hr(h, PAGE_SIZE);
	if (hchance(h, 70))
		args->hAdapter = hadapter(h, a);
	switch (type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_MDL:
		args->Mdl.HighAddress.QuadPart = -1;
		flags = hchance(h, 20) ? hr(h, 0x40) : 0;
		args->Mdl.Flags = flags;
		/* Above the edu's reach: served by the window scan. */
		if (hchance(h, 10) && !(flags & MM_ALLOCATE_NO_WAIT))
			args->Mdl.LowAddress.QuadPart = SZ_256M;
		/* Two windows of 512 MiB: any page of the guest fits. */
		if (hchance(h, 10) &&
		    !(flags & MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS)) {
			args->Mdl.HighAddress.QuadPart = SZ_512M - 1;
			args->Mdl.SkipBytes.QuadPart = SZ_512M;
		}
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		args->ContiguousMemory.HighestAcceptableAddress.QuadPart = -1;
		if (hchance(h, 10))
			args->ContiguousMemory.LowestAcceptableAddress.QuadPart =
				SZ_256M;
		if (hchance(h, 30))
			args->ContiguousMemory.BoundaryAddressMultiple.QuadPart =
				(LONGLONG)SZ_32K << hr(h, 6);
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_SECTION:
		args->CacheType = DXGK_MEMORY_CACHING_TYPE_CACHED + hr(h, 2);
		args->Section.PageProtection =
			protections[hr(h, ARRAY_SIZE(protections))];
		args->Section.AllocationAttributes = hr(h, 2) ? SEC_COMMIT : 0;
		if (hchance(h, 20)) {
			InitializeObjectAttributes(attrs, NULL,
						   OBJ_KERNEL_HANDLE, NULL,
						   NULL);
			args->Section.ObjectAttributes = attrs;
		}
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE:
		/* A range of the adapter's own BAR0, which is not prefetchable. */
		npages = min_t(pgoff_t, npages, h->bar_pages[a]);
		args->Size = ((npages - 1) << PAGE_SHIFT) + 1 + hr(h, PAGE_SIZE);
		args->hAdapter = hadapter(h, a);
		args->CacheType = DXGK_MEMORY_CACHING_TYPE_NON_CACHED;
		args->IOSpace.BaseAddress.QuadPart = h->bar[a] +
			((phys_addr_t)hr(h, h->bar_pages[a] - npages + 1) <<
			 PAGE_SHIFT);
		break;
	}
}

/* Bytes that the size check accepts but no machine has the pages for. */
static SIZE_T hostile_beyond_ram(struct hostile *h)
{
	switch (hr(h, 3)) {
	case 0:
		return ((SIZE_T)(h->ram_pages + 1 + hr(h, 1 << 20)) <<
			PAGE_SHIFT) - hr(h, PAGE_SIZE);
	case 1:
		return SIZE_MAX - PAGE_SIZE + 1;
	default:
		return (SIZE_T)(1 + hr(h, 1 << 20)) << 32;
	}
}

/* Add a created object to the model (and keep a slot free). */
static void hostile_destroy_obj(struct hostile *h, struct hostile_obj *o,
				enum hostile_mistake m);

static void hostile_adopt(struct hostile *h,
			  const DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT *args,
			  unsigned int a)
{
	struct hostile_obj *slot = hostile_obj_slot(h);

	memset(slot, 0, sizeof(*slot));
	slot->live = true;
	slot->unzeroed = args->Type == DXGK_PHYSICAL_MEMORY_TYPE_MDL &&
			 (args->Mdl.Flags & MM_DONT_ZERO_ALLOCATION);
	/* Its private copies would be write-back pages mapped write-combined. */
	slot->wc_copy = args->Type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION &&
			args->CacheType ==
				DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED &&
			args->Section.PageProtection == PAGE_WRITECOPY;
	slot->owner = a;
	slot->type = args->Type;
	slot->cache = args->CacheType;
	slot->pages = PAGE_ALIGN(args->Size) >> PAGE_SHIFT;
	slot->pmo = args->hPhysicalMemoryObject;
	slot->amo = args->hAdapterMemoryObject;
	hostile_verify(h);
	hostile_check_obj(h, slot);
	/* The model keeps a free slot: with the last one taken, give it back. */
	if (!hostile_obj_slot(h))
		hostile_destroy_obj(h, slot, HM_NONE);
}

static void hostile_create(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_ADAPTER, HM_WRONG_KIND, HM_SIZE_ZERO,
		HM_SIZE_OVERFLOW, HM_BEYOND_RAM, HM_BAD_TYPE, HM_BAD_CACHE,
		HM_BAD_FLAGS, HM_UNSUPPORTED_FLAGS, HM_BAD_WINDOW, HM_BAD_SKIP,
		HM_BAD_BOUNDARY, HM_BAD_PROTECTION, HM_BAD_ATTRIBUTES,
		HM_NAMED_SECTION, HM_IO_OUTSIDE_BAR,
	};
	static const DXGK_PHYSICAL_MEMORY_TYPE types[] = {
		DXGK_PHYSICAL_MEMORY_TYPE_MDL, DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		DXGK_PHYSICAL_MEMORY_TYPE_MDL,
		DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
		DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY,
		DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
		DXGK_PHYSICAL_MEMORY_TYPE_SECTION,
		DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args;
	DXGK_PHYSICAL_MEMORY_TYPE type = types[hr(h, ARRAY_SIZE(types))];
	NTSTATUS status, want = STATUS_INVALID_PARAMETER;
	OBJECT_ATTRIBUTES attrs, named;
	struct hostile_snap before;
	unsigned int a = hr(h, 2);

	/* Some mistakes belong to one type. */
	switch (m) {
	case HM_BAD_FLAGS:
	case HM_UNSUPPORTED_FLAGS:
	case HM_BAD_SKIP:
		type = DXGK_PHYSICAL_MEMORY_TYPE_MDL;
		break;
	case HM_BAD_BOUNDARY:
		type = DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY;
		break;
	case HM_BAD_WINDOW:
		type = DXGK_PHYSICAL_MEMORY_TYPE_MDL + hr(h, 2);	/* or contiguous */
		break;
	case HM_BAD_PROTECTION:
	case HM_BAD_ATTRIBUTES:
	case HM_NAMED_SECTION:
		type = DXGK_PHYSICAL_MEMORY_TYPE_SECTION;
		break;
	case HM_IO_OUTSIDE_BAR:
		type = DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE;
		break;
	case HM_BEYOND_RAM:
		type = hr(h, 3);	/* IO space has no RAM to lack */
		break;
	default:
		break;
	}
	hostile_create_args(h, &args, type, a, &attrs);

	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		break;
	case HM_BAD_ADAPTER:
		args.hAdapter = hostile_bad_handle(h, true);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_WRONG_KIND:
		args.hAdapter = hostile_wrong_kind(h, DXGKPM_KIND_ADAPTER);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_SIZE_ZERO:
		args.Size = 0;
		break;
	case HM_SIZE_OVERFLOW:
		/* Above SIZE_MAX - PAGE_SIZE + 1: no page count for it. */
		args.Size = SIZE_MAX - hr(h, PAGE_SIZE - 1);
		break;
	case HM_BEYOND_RAM:
		args.Size = hostile_beyond_ram(h);
		want = STATUS_INSUFFICIENT_RESOURCES;
		break;
	case HM_BAD_TYPE:
		args.Type = hr(h, 2) ? 4 + hr(h, 1000) :
			    (DXGK_PHYSICAL_MEMORY_TYPE)(0x80000000U | hr(h, 100));
		break;
	case HM_BAD_CACHE:
		if (type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION && hr(h, 2))
			args.CacheType = DXGK_MEMORY_CACHING_TYPE_NON_CACHED;
		else if (type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE && hr(h, 2))
			args.CacheType = 1 + hr(h, 2);	/* cached, WC */
		else
			args.CacheType = 3 + hr(h, 1000);
		break;
	case HM_BAD_FLAGS:
		/* 0x80 and bits above 0x100 mean nothing. */
		args.Mdl.Flags |= hr(h, 2) ? 0x80 : BIT(9 + hr(h, 23));
		break;
	case HM_UNSUPPORTED_FLAGS:
		args.Mdl.Flags |= hr(h, 2) ? MM_ALLOCATE_FAST_LARGE_PAGES :
				  MM_ALLOCATE_AND_HOT_REMOVE;
		want = STATUS_NOT_SUPPORTED;
		break;
	case HM_BAD_WINDOW:
		if (type == DXGK_PHYSICAL_MEMORY_TYPE_MDL) {
			/* Low above High, or no whole page between them. */
			args.Mdl.LowAddress.QuadPart = hr(h, 2) ? -1 :
						       PAGE_SIZE + 1;
			args.Mdl.HighAddress.QuadPart = 2 * PAGE_SIZE - 1 - hr(h, 2);
			args.Mdl.SkipBytes.QuadPart = 0;
		} else {
			/* One byte short of the block. */
			args.ContiguousMemory.LowestAcceptableAddress.QuadPart = 0;
			args.ContiguousMemory.HighestAcceptableAddress.QuadPart =
				PAGE_ALIGN(args.Size) - 2;
		}
		break;
	case HM_BAD_SKIP:
		args.Mdl.SkipBytes.QuadPart = (1 + hr(h, 4)) * PAGE_SIZE + 1 +
					       hr(h, PAGE_SIZE - 1);
		break;
	case HM_BAD_BOUNDARY:
		/* Not a power of two, or one the block cannot fit in. */
		args.Size += PAGE_SIZE;		/* at least two pages */
		args.ContiguousMemory.BoundaryAddressMultiple.QuadPart =
			hr(h, 2) ? 3 * PAGE_SIZE : PAGE_SIZE;
		break;
	case HM_BAD_PROTECTION:
		/* With a cache attribute, or none of the four. */
		args.Section.PageProtection = hr(h, 2) ?
			PAGE_READWRITE | 0x400 : prandom_u32_state(&h->rnd) | 1;
		break;
	case HM_BAD_ATTRIBUTES:
		args.Section.AllocationAttributes = SEC_COMMIT |
						    BIT(hr(h, 27));
		break;
	case HM_NAMED_SECTION:
		InitializeObjectAttributes(&named, hr(h, 2) ?
					   (struct _UNICODE_STRING *)&attrs :
					   NULL, 0, hr(h, 2) ? NULL :
					   (HANDLE)&attrs, NULL);
		if (!named.ObjectName && !named.RootDirectory)
			named.Length = 0;
		args.Section.ObjectAttributes = &named;
		want = STATUS_NOT_SUPPORTED;
		break;
	case HM_IO_OUTSIDE_BAR:
		switch (hr(h, 4)) {
		case 0:
			args.hAdapter = NULL;	/* whose BAR? */
			break;
		case 1:
			args.IOSpace.BaseAddress.QuadPart = h->bar[a] - PAGE_SIZE;
			break;
		case 2:
			args.IOSpace.BaseAddress.QuadPart += 1 + hr(h, PAGE_SIZE - 1);
			break;
		default:
			args.IOSpace.BaseAddress.QuadPart =
				h->bar[a] + ((phys_addr_t)h->bar_pages[a] << PAGE_SHIFT) -
				PAGE_SIZE;
			args.Size = 2 * PAGE_SIZE;
			break;
		}
		break;
	default:
		break;
	}

	args.hPhysicalMemoryObject = (HANDLE)1;
	args.hAdapterMemoryObject = (HANDLE)1;
	hostile_begin(h, &before);
	status = hif(h, a)->DxgkCbCreatePhysicalMemoryObject(m == HM_NULL_ARGS ?
							      NULL : &args);
	if (!hostile_status(h, HK_CREATE, m, status, want, &before)) {
		if (m != HM_NULL_ARGS &&
		    (args.hPhysicalMemoryObject || args.hAdapterMemoryObject))
			hostile_fail(h, "a failed Create left handles %#llx/%#llx",
				     hv(args.hPhysicalMemoryObject),
				     hv(args.hAdapterMemoryObject));
		hostile_verify(h);
		return;
	}
	if (!args.hPhysicalMemoryObject ||
	    !args.hAdapterMemoryObject != !args.hAdapter)
		hostile_fail(h, "Create with hAdapter %#llx returned handles %#llx/%#llx",
			     hv(args.hAdapter), hv(args.hPhysicalMemoryObject),
			     hv(args.hAdapterMemoryObject));
	if ((unsigned int)args.Type < ARRAY_SIZE(h->created))
		h->created[args.Type]++;
	hostile_adopt(h, &args, a);
}

/* ------------------------------------------------------- destroy, close */

static void hostile_destroy_obj(struct hostile *h, struct hostile_obj *o,
				enum hostile_mistake m)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT args = {};
	struct hostile_obj *other;
	struct hostile_snap before;
	HANDLE amo = o ? o->amo : NULL;
	bool effect;

	if (!o && m == HM_NONE)
		m = HM_BAD_HANDLE;
	if (o) {
		args.hPhysicalMemoryObject = o->pmo;
		/* Without the AMO, an open object is closed anyway. */
		if (o->amo && hr(h, 2))
			args.hAdapterMemoryObject = o->amo;
	}
	switch (m) {
	case HM_BAD_HANDLE:
		args.hPhysicalMemoryObject = hostile_bad_handle(h, false);
		break;
	case HM_WRONG_KIND:
		if (hr(h, 2) || !o)
			args.hPhysicalMemoryObject =
				hostile_wrong_kind(h, DXGKPM_KIND_PMO);
		else
			args.hAdapterMemoryObject = o->pmo;
		break;
	case HM_BAD_AMO:
		args.hAdapterMemoryObject = hostile_bad_handle(h, true);
		break;
	case HM_FOREIGN:
		other = hostile_other(h, o, hostile_is_open);
		args.hAdapterMemoryObject = other ? other->amo :
					    hostile_bad_handle(h, true);
		break;
	default:
		break;
	}
	if (m == HM_NONE && hostile_busy(o))
		m = HM_BUSY;
	effect = m == HM_NONE;

	hostile_begin(h, &before);
	hif(h, hr(h, 2))->DxgkCbDestroyPhysicalMemoryObject(m == HM_NULL_ARGS ?
							     NULL : &args);
	if (hostile_void(h, HK_DESTROY, m, effect, &before) && effect) {
		hostile_bury(h, o->pmo);
		hostile_bury(h, o->amo);
		o->amo = NULL;
		hostile_ghost(h, o);
	}
	hostile_verify(h);
	if (o) {
		hostile_check_obj(h, o);
		if (!o->live)
			hostile_check_amo_dead(h, amo);
	}
}

static void hostile_destroy(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_HANDLE, HM_WRONG_KIND, HM_BAD_AMO,
		HM_FOREIGN,
	};

	hostile_destroy_obj(h, hostile_pick(h, NULL),
			    hostile_mistake(h, mistakes, ARRAY_SIZE(mistakes)));
}

static void hostile_close(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_HANDLE, HM_WRONG_KIND,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	struct hostile_obj *o = hostile_pick(h, hostile_is_open);
	DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT args = {};
	struct hostile_snap before;
	HANDLE amo = o ? o->amo : NULL;
	bool effect;

	if (!o && m == HM_NONE)
		m = HM_BAD_HANDLE;
	args.hAdapterMemoryObject = amo;
	if (m == HM_BAD_HANDLE)
		args.hAdapterMemoryObject = hostile_bad_handle(h, false);
	else if (m == HM_WRONG_KIND)
		args.hAdapterMemoryObject = o && hr(h, 2) ? o->pmo :
					    hostile_wrong_kind(h, DXGKPM_KIND_AMO);
	if (m == HM_NONE && hostile_nadls(o))
		m = HM_BUSY;
	effect = m == HM_NONE;

	hostile_begin(h, &before);
	hif(h, hr(h, 2))->DxgkCbClosePhysicalMemoryObject(m == HM_NULL_ARGS ?
							   NULL : &args);
	if (hostile_void(h, HK_CLOSE, m, effect, &before) && effect) {
		hostile_bury(h, o->amo);
		o->amo = NULL;
	}
	hostile_verify(h);
	if (o) {
		hostile_check_obj(h, o);
		if (!o->amo)
			hostile_check_amo_dead(h, amo);
	}
}

/* ------------------------------------------------------------------ open */

static void hostile_open(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_HANDLE, HM_WRONG_KIND, HM_BAD_ADAPTER,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	struct hostile_obj *o = hostile_pick(h, hchance(h, 70) ?
					     hostile_is_closed : NULL);
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT args = {};
	NTSTATUS status, want = STATUS_INVALID_HANDLE;
	struct hostile_snap before;
	unsigned int a = hr(h, 2);

	if (!o && m == HM_NONE)
		m = HM_BAD_HANDLE;
	args.hPhysicalMemoryObject = o ? o->pmo : NULL;
	args.hAdapter = hadapter(h, a);
	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		if (o->amo) {
			m = HM_ALREADY_OPEN;
			want = STATUS_INVALID_DEVICE_STATE;
		}
		break;
	case HM_NULL_ARGS:
		want = STATUS_INVALID_PARAMETER;
		break;
	case HM_BAD_HANDLE:
		args.hPhysicalMemoryObject = hostile_bad_handle(h, false);
		break;
	case HM_WRONG_KIND:
		if (hr(h, 2) || !o)
			args.hPhysicalMemoryObject =
				hostile_wrong_kind(h, DXGKPM_KIND_PMO);
		else
			args.hAdapter = hostile_wrong_kind(h, DXGKPM_KIND_ADAPTER);
		break;
	case HM_BAD_ADAPTER:
		args.hAdapter = hostile_bad_handle(h, false);
		if (!o)
			args.hPhysicalMemoryObject = hostile_bad_handle(h, false);
		break;
	default:
		break;
	}

	args.hAdapterMemoryObject = (HANDLE)1;
	hostile_begin(h, &before);
	status = hif(h, a)->DxgkCbOpenPhysicalMemoryObject(m == HM_NULL_ARGS ?
							    NULL : &args);
	if (!hostile_status(h, HK_OPEN, m, status, want, &before)) {
		if (m != HM_NULL_ARGS && args.hAdapterMemoryObject)
			hostile_fail(h, "a failed Open left hAdapterMemoryObject %#llx",
				     hv(args.hAdapterMemoryObject));
	} else if (!o || o->amo || !args.hAdapterMemoryObject) {
		hostile_fail(h, "Open (%s) succeeded with AMO %#llx",
			     hostile_mistake_names[m],
			     hv(args.hAdapterMemoryObject));
	} else {
		o->amo = args.hAdapterMemoryObject;
		o->owner = a;
	}
	hostile_verify(h);
	if (o)
		hostile_check_obj(h, o);
}

/* ------------------------------------------------------------------- ADL */

static void hostile_free_adl_of(struct hostile *h, struct hostile_obj *o,
				unsigned int i, enum hostile_mistake m);

/* An ADL as the contract and the IOMMU promise it. */
static void hostile_check_adl(struct hostile *h, const DXGK_ADL *adl,
			      u32 pages, u32 flags)
{
	u64 page, last;
	u32 i;

	if (adl->PageCount != pages || adl->Flags.Reserved ||
	    adl->Flags.Contiguous != !!flags) {
		hostile_fail(h, "ADL of %u pages, flags %#x: PageCount %u, flags %#x",
			     pages, flags, adl->PageCount, adl->Flags.Value);
		return;
	}
	for (i = 0; i < pages; i++) {
		page = adl->Flags.Contiguous ? adl->BasePageNumber + i :
		       adl->Pages[i];
		last = ((page + 1) << PAGE_SHIFT) - 1;
		if (last > EDU_DMA_MASK)
			hostile_fail(h, "ADL page %u at %#llx is beyond the edu's reach",
				     i, page << PAGE_SHIFT);
	}
}

static void hostile_adl(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_HANDLE, HM_WRONG_KIND, HM_UNALIGNED,
		HM_SIZE_ZERO, HM_SIZE_OVERFLOW, HM_OUT_OF_RANGE, HM_BAD_FLAGS,
		HM_REQUIRE_CONTIG,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	struct hostile_obj *o = hostile_pick(h, hostile_is_open);
	NTSTATUS status, want = STATUS_INVALID_PARAMETER;
	DXGKARGCB_ALLOCATE_ADL args = {};
	struct hostile_snap before;
	u32 first = 0, count = 1, slot, dead;
	bool contig_ok;

	if (!o && m != HM_NULL_ARGS && m != HM_WRONG_KIND)
		m = HM_BAD_HANDLE;
	if (o) {
		first = hr(h, o->pages);
		count = 1 + hr(h, o->pages - first);
		args.hAdapterMemoryObject = o->amo;
		contig_ok = o->type == DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY ||
			    o->type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE;
		args.Flags.PreferContiguous = hr(h, 2);
		args.Flags.RequireContiguous = contig_ok && !hr(h, 3);
		if (m == HM_REQUIRE_CONTIG && contig_ok)
			m = HM_BAD_FLAGS;
	}
	args.Offset = (SIZE_T)first << PAGE_SHIFT;
	args.Size = (SIZE_T)count << PAGE_SHIFT;
	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		break;
	case HM_BAD_HANDLE:
		args.hAdapterMemoryObject = hostile_bad_handle(h, false);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_WRONG_KIND:
		args.hAdapterMemoryObject = o && hr(h, 2) ? o->pmo :
			hostile_wrong_kind(h, DXGKPM_KIND_AMO);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_UNALIGNED:
		if (hr(h, 2))
			args.Offset += 1 + hr(h, PAGE_SIZE - 1);
		else
			args.Size += 1 + hr(h, PAGE_SIZE - 1);
		break;
	case HM_SIZE_ZERO:
		args.Size = 0;
		break;
	case HM_SIZE_OVERFLOW:
		if (hr(h, 2))
			args.Size = SIZE_MAX & PAGE_MASK;
		else
			args.Offset = SIZE_MAX & PAGE_MASK;
		break;
	case HM_OUT_OF_RANGE:
		if (hr(h, 2))
			args.Size = (o->pages - first + 1 + hr(h, 3)) << PAGE_SHIFT;
		else
			args.Offset = (o->pages + hr(h, 3)) << PAGE_SHIFT;
		break;
	case HM_BAD_FLAGS:
		args.Flags.Value |= BIT(2 + hr(h, 30));
		break;
	case HM_REQUIRE_CONTIG:
		args.Flags.RequireContiguous = 1;
		break;
	default:
		break;
	}

	args.pAdl = (DXGK_ADL *)1;
	hostile_begin(h, &before);
	status = hif(h, hr(h, 2))->DxgkCbAllocateAdl(m == HM_NULL_ARGS ? NULL :
						     &args);
	if (!hostile_status(h, HK_ADL, m, status, want, &before)) {
		if (m != HM_NULL_ARGS && args.pAdl)
			hostile_fail(h, "a failed AllocateAdl left pAdl %p",
				     args.pAdl);
		hostile_verify(h);
		return;
	}
	if (!o || !args.pAdl) {
		hostile_fail(h, "AllocateAdl (%s) succeeded with pAdl %p",
			     hostile_mistake_names[m], args.pAdl);
		h->stop = true;
		return;
	}
	hostile_check_adl(h, args.pAdl, count, args.Flags.Value);
	h->adls[o->type]++;
	for (slot = 0; o->adl[slot].p; slot++)
		;
	o->adl[slot].p = args.pAdl;
	o->adl[slot].first = args.Offset >> PAGE_SHIFT;
	o->adl[slot].pages = o->type == DXGK_PHYSICAL_MEMORY_TYPE_SECTION ?
			     count : 0;
	for (dead = 0; dead < HOSTILE_DEAD; dead++)
		if (h->dead_adl[dead] == args.pAdl)
			h->dead_adl[dead] = NULL;	/* live again */
	hostile_verify(h);
	hostile_check_obj(h, o);
	if (hostile_nadls(o) == HOSTILE_ADLS)
		hostile_free_adl_of(h, o, hr(h, HOSTILE_ADLS), HM_NONE);
}

/*
 * FreeAdl of @o's ADL @i with mistake @m. The model decides the effect
 * from what the call names: an AMO that is a live object's and a pointer
 * that is one of that object's live ADLs.
 */
static void hostile_free_adl_of(struct hostile *h, struct hostile_obj *o,
				unsigned int i, enum hostile_mistake m)
{
	DXGKARGCB_FREE_ADL args = {};
	struct hostile_obj *other, *target = NULL;
	struct hostile_snap before;
	DXGK_ADL stack_adl = {}, *dead;
	unsigned int j, slot = 0;

	args.hAdapterMemoryObject = o ? o->amo : NULL;
	args.pAdl = o ? o->adl[i].p : &stack_adl;
	switch (m) {
	case HM_NULL_ARGS:
		args.pAdl = NULL;	/* or the whole structure, below */
		break;
	case HM_BAD_HANDLE:
		args.hAdapterMemoryObject = hostile_bad_handle(h, false);
		break;
	case HM_WRONG_KIND:
		args.hAdapterMemoryObject = o && hr(h, 2) ? o->pmo :
			hostile_wrong_kind(h, DXGKPM_KIND_AMO);
		break;
	case HM_FOREIGN:
		other = hostile_other(h, o, hostile_has_adl);
		if (other && hr(h, 2)) {
			for (j = 0; !other->adl[j].p; j++)
				;
			args.pAdl = other->adl[j].p;	/* theirs, our AMO */
		} else {
			other = hostile_other(h, o, hostile_is_open);
			args.hAdapterMemoryObject = other ? other->amo :
						    hostile_bad_handle(h, true);
		}
		break;
	case HM_NOT_LIVE:
		/* Never dereferenced: a stack or a freed pointer. */
		args.pAdl = &stack_adl;
		if (h->ndead_adl && hr(h, 2)) {
			dead = h->dead_adl[hr(h, min_t(u32, h->ndead_adl,
						       HOSTILE_DEAD))];
			/* A freed pointer that is live again is no mistake. */
			if (dead && !hostile_adl_live(h, dead))
				args.pAdl = dead;
		}
		break;
	default:
		break;
	}

	for (j = 0; j < HOSTILE_OBJECTS && args.pAdl && !target; j++) {
		struct hostile_obj *c = &h->obj[j];

		if (!c->live || !c->amo || c->amo != args.hAdapterMemoryObject)
			continue;
		for (slot = 0; slot < HOSTILE_ADLS; slot++)
			if (c->adl[slot].p == args.pAdl)
				break;
		if (slot < HOSTILE_ADLS)
			target = c;
	}
	if (!target && m == HM_NONE)
		hostile_fail(h, "the model has no such ADL to free");

	hostile_begin(h, &before);
	hif(h, hr(h, 2))->DxgkCbFreeAdl(m == HM_NULL_ARGS && hr(h, 2) ? NULL :
					&args);
	if (hostile_void(h, HK_FREE_ADL, m, target && m != HM_NULL_ARGS,
			 &before) && target) {
		hostile_bury_adl(h, target->adl[slot].p);
		target->adl[slot].p = NULL;
		target->adl[slot].pages = 0;
	}
	hostile_verify(h);
	if (o)
		hostile_check_obj(h, o);
	if (target && target != o)
		hostile_check_obj(h, target);
}

static void hostile_free_adl(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_HANDLE, HM_WRONG_KIND, HM_FOREIGN,
		HM_NOT_LIVE,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	struct hostile_obj *o = hostile_pick(h, hostile_has_adl);
	unsigned int i = 0;

	if (!o) {
		o = hostile_pick(h, hostile_is_open);
		if (m == HM_NONE)
			m = HM_NOT_LIVE;
	} else {
		for (i = hr(h, HOSTILE_ADLS); !o->adl[i].p;
		     i = (i + 1) % HOSTILE_ADLS)
			;
	}
	if (!o && m != HM_NULL_ARGS)
		m = HM_BAD_HANDLE;
	if (o && !o->adl[i].p && m != HM_NULL_ARGS && m != HM_BAD_HANDLE &&
	    m != HM_WRONG_KIND)
		m = HM_NOT_LIVE;
	hostile_free_adl_of(h, o, i, m);
}

/* ----------------------------------------------------------------- views */

static void hostile_unmap_view(struct hostile *h, struct hostile_obj *o,
			       struct hostile_view *v, enum hostile_mistake m);

static void hostile_map(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_HANDLE, HM_WRONG_KIND, HM_SIZE_ZERO,
		HM_SIZE_OVERFLOW, HM_OUT_OF_RANGE, HM_BAD_MODE,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	struct hostile_obj *o = hostile_pick(h, NULL);
	NTSTATUS status, want = STATUS_INVALID_PARAMETER;
	DXGKARGCB_MAP_PHYSICAL_MEMORY args = {};
	SIZE_T bytes, offset, size, first, last;
	struct hostile_view *views, *v = NULL;
	struct hostile_snap before;
	unsigned int i;
	bool user;

	if (!o && m != HM_NULL_ARGS && m != HM_WRONG_KIND)
		m = HM_BAD_HANDLE;
	args.AccessMode = hr(h, 2);
	user = args.AccessMode == DXGK_ACCESS_MODE_USER_MODE;
	bytes = o ? o->pages << PAGE_SHIFT : PAGE_SIZE;
	args.hPhysicalMemoryObject = o ? o->pmo : NULL;
	args.Offset = hr(h, bytes);
	args.Size = 1 + hr(h, bytes - args.Offset);
	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		if (user && o->type == DXGK_PHYSICAL_MEMORY_TYPE_IO_SPACE) {
			m = HM_USER_IO;
			want = STATUS_INVALID_PARAMETER;
		} else if (user && o->unzeroed) {
			m = HM_UNZEROED;
			want = STATUS_ACCESS_DENIED;
		} else if (user && o->wc_copy) {
			m = HM_WC_COPY;
			want = STATUS_INVALID_PARAMETER;
		}
		break;
	case HM_BAD_HANDLE:
		args.hPhysicalMemoryObject = hostile_bad_handle(h, false);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_WRONG_KIND:
		args.hPhysicalMemoryObject = hostile_wrong_kind(h, DXGKPM_KIND_PMO);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_SIZE_ZERO:
		args.Size = 0;
		break;
	case HM_SIZE_OVERFLOW:
		args.Size = SIZE_MAX - hr(h, 100);
		break;
	case HM_OUT_OF_RANGE:
		if (hr(h, 2)) {
			args.Offset = bytes + hr(h, PAGE_SIZE);
			args.Size = 1;
		} else {
			args.Size = bytes - args.Offset + 1 + hr(h, PAGE_SIZE);
		}
		break;
	case HM_BAD_MODE:
		args.AccessMode = hr(h, 2) ? 2 + hr(h, 100) :
				  (DXGK_ACCESS_MODE)(0x80000000U | hr(h, 4));
		user = false;
		break;
	default:
		break;
	}

	offset = args.Offset;
	size = args.Size;
	args.pMappedAddress = (void *)1;
	hostile_begin(h, &before);
	status = hif(h, hr(h, 2))->DxgkCbMapPhysicalMemory(m == HM_NULL_ARGS ?
							    NULL : &args);
	if (!hostile_status(h, HK_MAP, m, status, want, &before)) {
		if (m != HM_NULL_ARGS &&
		    (args.pMappedAddress || args.Offset != offset ||
		     args.Size != size))
			hostile_fail(h, "a failed Map left %p, Offset %#zx, Size %#zx",
				     args.pMappedAddress, args.Offset, args.Size);
		hostile_verify(h);
		return;
	}
	if (!o || !args.pMappedAddress) {
		hostile_fail(h, "Map (%s) succeeded with %p",
			     hostile_mistake_names[m], args.pMappedAddress);
		h->stop = true;
		return;
	}
	/* The rounding contract: whole pages, the byte at Offset(out). */
	first = offset >> PAGE_SHIFT;
	last = (offset + size - 1) >> PAGE_SHIFT;
	if (!PAGE_ALIGNED(args.pMappedAddress) ||
	    args.Offset != offset_in_page(offset) ||
	    args.Size != (last - first + 1) << PAGE_SHIFT ||
	    ((unsigned long)args.pMappedAddress < TASK_SIZE_MAX) != user)
		hostile_fail(h, "Map of %#zx bytes at %#zx gave %p, Offset %#zx, Size %#zx",
			     size, offset, args.pMappedAddress, args.Offset,
			     args.Size);
	h->views[user]++;
	views = user ? o->uview : o->kview;
	for (i = 0; views[i].base; i++)
		;
	v = &views[i];
	v->base = args.pMappedAddress;
	v->size = args.Size;
	v->first = first;
	hostile_verify(h);
	hostile_check_obj(h, o);
	if (hostile_nviews(views) == HOSTILE_VIEWS)
		hostile_unmap_view(h, o, &views[hr(h, HOSTILE_VIEWS)], HM_NONE);
}

/* Whether (handle, base, size) names a live view of the model. */
static struct hostile_view *hostile_find_view(struct hostile *h,
					      const DXGKARGCB_UNMAP_PHYSICAL_MEMORY *a,
					      struct hostile_obj **owner)
{
	bool user = (unsigned long)a->pBaseAddress < TASK_SIZE_MAX;
	unsigned int i, j;

	for (i = 0; i < HOSTILE_OBJECTS; i++) {
		struct hostile_obj *c = &h->obj[i];
		struct hostile_view *views = user ? c->uview : c->kview;

		if (!c->live || c->pmo != a->hPhysicalMemoryObject)
			continue;
		for (j = 0; j < HOSTILE_VIEWS; j++) {
			if (views[j].base && views[j].base == a->pBaseAddress &&
			    views[j].size == a->Size) {
				*owner = c;
				return &views[j];
			}
		}
	}
	return NULL;
}

static void hostile_unmap_view(struct hostile *h, struct hostile_obj *o,
			       struct hostile_view *v, enum hostile_mistake m)
{
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY args = {};
	struct hostile_obj *other, *owner = NULL;
	struct hostile_view *target, gone;
	struct hostile_snap before;

	if (!o && m != HM_NULL_ARGS)
		m = HM_BAD_HANDLE;
	args.hPhysicalMemoryObject = o ? o->pmo : NULL;
	args.pBaseAddress = v ? v->base : NULL;
	args.Size = v ? v->size : PAGE_SIZE;
	switch (m) {
	case HM_BAD_HANDLE:
		args.hPhysicalMemoryObject = hostile_bad_handle(h, false);
		break;
	case HM_FOREIGN:
		other = hostile_other(h, o, NULL);
		args.hPhysicalMemoryObject = other ? other->pmo :
					     hostile_bad_handle(h, false);
		break;
	case HM_NOT_LIVE:
		switch (v ? hr(h, 3) : 3) {
		case 0:
			args.pBaseAddress = (u8 *)v->base + 4 + hr(h, PAGE_SIZE);
			break;
		case 1:
			args.pBaseAddress = (u8 *)v->base + v->size;
			break;
		case 2:
			args.pBaseAddress = (u8 *)v->base - PAGE_SIZE;
			break;
		default:
			args.pBaseAddress = (void *)(uintptr_t)
				(hr(h, 2) ? prandom_u32_state(&h->rnd) :
				 PAGE_OFFSET + ((unsigned long)hr(h, 1 << 20) <<
						PAGE_SHIFT));
			break;
		}
		break;
	case HM_WRONG_SIZE:
		switch (hr(h, 4)) {
		case 0:
			args.Size += PAGE_SIZE;
			break;
		case 1:
			args.Size = 0;
			break;
		case 2:
			args.Size += 1 + hr(h, PAGE_SIZE - 1);
			break;
		default:
			args.Size = args.Size > PAGE_SIZE ?
				    args.Size - PAGE_SIZE : SIZE_MAX;
			break;
		}
		break;
	default:
		break;
	}
	target = m == HM_NULL_ARGS ? NULL : hostile_find_view(h, &args, &owner);
	if (m == HM_NONE && !target)
		hostile_fail(h, "the model has no such view to unmap");
	if (target)
		gone = *target;

	hostile_begin(h, &before);
	hif(h, hr(h, 2))->DxgkCbUnmapPhysicalMemory(m == HM_NULL_ARGS ? NULL :
						    &args);
	if (hostile_void(h, HK_UNMAP, m, target, &before) && target) {
		target->base = NULL;
		if ((unsigned long)gone.base < TASK_SIZE_MAX)
			hostile_check_vma(h, &gone, true);
	}
	hostile_verify(h);
	if (o)
		hostile_check_obj(h, o);
	if (owner && owner != o)
		hostile_check_obj(h, owner);
}

static void hostile_unmap(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_HANDLE, HM_FOREIGN, HM_NOT_LIVE,
		HM_WRONG_SIZE,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	struct hostile_obj *o = hostile_pick(h, hostile_has_view);
	unsigned int i, j = hr(h, HOSTILE_GHOSTS);
	struct hostile_view *v = NULL;

	/* Now and then, a user view that outlived its object. */
	for (i = 0; i < HOSTILE_GHOSTS && hchance(h, 25); i++) {
		struct hostile_obj *g = &h->ghost[(i + j) % HOSTILE_GHOSTS];
		DXGKARGCB_UNMAP_PHYSICAL_MEMORY args = {};
		struct hostile_snap before;

		if (!g->live)
			continue;
		for (v = g->uview; !v->base; v++)
			;
		/* Its handle is stale: refused, the view stays. */
		args.hPhysicalMemoryObject = g->pmo;
		args.pBaseAddress = v->base;
		args.Size = v->size;
		hostile_begin(h, &before);
		hif(h, hr(h, 2))->DxgkCbUnmapPhysicalMemory(&args);
		hostile_void(h, HK_UNMAP, HM_BAD_HANDLE, false, &before);
		hostile_check_vma(h, v, false);
		/* The process unmaps it; the last view frees the object. */
		hostile_munmap(h, v);
		g->live = hostile_nviews(g->uview);
		hostile_verify(h);
		return;
	}

	if (o) {
		i = hr(h, 2 * HOSTILE_VIEWS);
		for (j = 0; j < 2 * HOSTILE_VIEWS && !v; j++, i = (i + 1) %
		     (2 * HOSTILE_VIEWS)) {
			struct hostile_view *c = i < HOSTILE_VIEWS ?
				&o->kview[i] : &o->uview[i - HOSTILE_VIEWS];

			if (c->base)
				v = c;
		}
	} else {
		o = hostile_pick(h, NULL);
		if (m == HM_NONE || m == HM_WRONG_SIZE)
			m = HM_NOT_LIVE;
	}
	hostile_unmap_view(h, o, v, m);
}

/* ------------------------------------------------------------ WDDM 2.4 */

static void hostile_free24(struct hostile *h, struct hostile_mem24 *mem,
			   bool mdl, enum hostile_mistake m);

static struct hostile_mem24 *hostile_mem24_slot(struct hostile *h)
{
	unsigned int i;

	for (i = 0; i < HOSTILE_MEM24; i++)
		if (!h->mem[i].h)
			return &h->mem[i];
	return NULL;
}

/* Record a new 2.4 allocation (and keep a slot free). */
static void hostile_adopt24(struct hostile *h, HANDLE handle, unsigned int a,
			    bool mdl, DXGK_MEMORY_CACHING_TYPE cache,
			    SIZE_T bytes, PMDL pmdl)
{
	struct hostile_mem24 *slot = hostile_mem24_slot(h);

	slot->h = handle;
	slot->owner = a;
	slot->mdl = mdl;
	slot->cache = cache;
	slot->pages = PAGE_ALIGN(bytes) >> PAGE_SHIFT;
	slot->pmdl = pmdl;
	hostile_verify(h);
	if (!hostile_mem24_slot(h))
		hostile_free24(h, slot, mdl, HM_NONE);
}

static void hostile_acm(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_ADAPTER, HM_WRONG_KIND, HM_SIZE_ZERO,
		HM_BAD_CACHE, HM_BEYOND_RAM, HM_BAD_WINDOW, HM_BAD_BOUNDARY,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	NTSTATUS status, want = STATUS_INVALID_PARAMETER;
	DXGKARGCB_ALLOCATECONTIGUOUSMEMORY args = {};
	struct hostile_snap before;
	unsigned int a = hr(h, 2);
	HANDLE ha = hadapter(h, a);
	u8 *p;

	args.NumberOfBytes = 1 + hr(h, 4 * PAGE_SIZE);
	args.HighestAcceptableAddress.QuadPart = -1;
	args.CacheType = hr(h, 3);
	if (hchance(h, 30))
		args.BoundaryAddressMultiple.QuadPart = (LONGLONG)SZ_32K << hr(h, 4);
	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		break;
	case HM_BAD_ADAPTER:
		ha = hostile_bad_handle(h, false);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_WRONG_KIND:
		ha = hostile_wrong_kind(h, DXGKPM_KIND_ADAPTER);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_SIZE_ZERO:
		args.NumberOfBytes = 0;
		break;
	case HM_BAD_CACHE:
		args.CacheType = 3 + hr(h, 1000);
		break;
	case HM_BEYOND_RAM:
		args.NumberOfBytes = hostile_beyond_ram(h);
		want = STATUS_INSUFFICIENT_RESOURCES;
		break;
	case HM_BAD_WINDOW:
		if (hr(h, 2)) {
			args.LowestAcceptableAddress.QuadPart = SZ_512M;
			args.HighestAcceptableAddress.QuadPart = SZ_256M;
		} else {
			args.HighestAcceptableAddress.QuadPart =
				PAGE_ALIGN(args.NumberOfBytes) - 2;
		}
		break;
	case HM_BAD_BOUNDARY:
		args.NumberOfBytes += PAGE_SIZE;	/* two pages or more */
		args.BoundaryAddressMultiple.QuadPart = hr(h, 2) ?
			5 * PAGE_SIZE : PAGE_SIZE;
		break;
	default:
		break;
	}

	args.hMemoryHandle = (HANDLE)1;
	args.pMemory = (void *)1;
	hostile_begin(h, &before);
	status = hif(h, a)->DxgkCbAllocateContiguousMemory(ha, m == HM_NULL_ARGS ?
							   NULL : &args);
	if (!hostile_status(h, HK_ACM, m, status, want, &before)) {
		if (m != HM_NULL_ARGS && (args.hMemoryHandle || args.pMemory))
			hostile_fail(h, "a failed AllocateContiguousMemory left %#llx/%p",
				     hv(args.hMemoryHandle), args.pMemory);
		hostile_verify(h);
		return;
	}
	p = args.pMemory;
	if (!args.hMemoryHandle || !p) {
		hostile_fail(h, "AllocateContiguousMemory gave %#llx/%p",
			     hv(args.hMemoryHandle), p);
		h->stop = true;
		return;
	}
	if (p[0] || p[args.NumberOfBytes - 1])
		hostile_fail(h, "contiguous memory is not zeroed");
	hostile_adopt24(h, args.hMemoryHandle, a, false, args.CacheType,
			args.NumberOfBytes, NULL);
}

static void hostile_apm(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_ADAPTER, HM_WRONG_KIND, HM_SIZE_ZERO,
		HM_SIZE_OVERFLOW, HM_BAD_CACHE, HM_BAD_FLAGS,
		HM_UNSUPPORTED_FLAGS, HM_BAD_WINDOW, HM_BAD_SKIP,
		HM_BEYOND_RAM,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	NTSTATUS status, want = STATUS_INVALID_PARAMETER;
	DXGKARGCB_ALLOCATEPAGESFORMDL args = {};
	struct hostile_snap before;
	unsigned int a = hr(h, 2);
	HANDLE ha = hadapter(h, a);
	PPFN_NUMBER pfns;
	pgoff_t i;

	args.TotalBytes = 1 + hr(h, 4 * PAGE_SIZE);
	args.HighAddress.QuadPart = -1;
	args.CacheType = hr(h, 3);
	if (hchance(h, 20))
		args.Flags = hr(h, 0x40);
	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		break;
	case HM_BAD_ADAPTER:
		ha = hostile_bad_handle(h, false);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_WRONG_KIND:
		ha = hostile_wrong_kind(h, DXGKPM_KIND_ADAPTER);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_SIZE_ZERO:
		args.TotalBytes = 0;
		break;
	case HM_SIZE_OVERFLOW:
		/* Beyond what one MDL describes: 4 GiB - PAGE_SIZE. */
		args.TotalBytes = hr(h, 2) ? SIZE_MAX - hr(h, 100) :
				  SZ_4G - PAGE_SIZE + 1 + hr(h, PAGE_SIZE);
		break;
	case HM_BAD_CACHE:
		args.CacheType = 3 + hr(h, 1000);
		break;
	case HM_BAD_FLAGS:
		args.Flags |= hr(h, 2) ? 0x80 : BIT(9 + hr(h, 23));
		break;
	case HM_UNSUPPORTED_FLAGS:
		args.Flags |= hr(h, 2) ? MM_ALLOCATE_FAST_LARGE_PAGES :
			      MM_ALLOCATE_AND_HOT_REMOVE;
		want = STATUS_NOT_SUPPORTED;
		break;
	case HM_BAD_WINDOW:
		args.LowAddress.QuadPart = SZ_512M;
		args.HighAddress.QuadPart = SZ_512M + PAGE_SIZE - 2 -
					    hr(h, PAGE_SIZE);
		break;
	case HM_BAD_SKIP:
		args.SkipBytes.QuadPart = PAGE_SIZE + 1 + hr(h, PAGE_SIZE - 1);
		break;
	case HM_BEYOND_RAM:
		/* Within one MDL's reach, beyond the guest's RAM. */
		args.TotalBytes = ((SIZE_T)h->ram_pages + 1 +
				   hr(h, 1024)) << PAGE_SHIFT;
		want = STATUS_INSUFFICIENT_RESOURCES;
		break;
	default:
		break;
	}

	args.hMemoryHandle = (HANDLE)1;
	args.pMdl = (PMDL)1;
	hostile_begin(h, &before);
	status = hif(h, a)->DxgkCbAllocatePagesForMdl(ha, m == HM_NULL_ARGS ?
						      NULL : &args);
	if (!hostile_status(h, HK_APM, m, status, want, &before)) {
		if (m != HM_NULL_ARGS && (args.hMemoryHandle || args.pMdl))
			hostile_fail(h, "a failed AllocatePagesForMdl left %#llx/%p",
				     hv(args.hMemoryHandle), args.pMdl);
		hostile_verify(h);
		return;
	}
	if (!args.hMemoryHandle || !args.pMdl ||
	    args.pMdl->ByteCount != args.TotalBytes ||
	    args.pMdl->ByteOffset) {
		hostile_fail(h, "AllocatePagesForMdl of %zu bytes gave %#llx/%p",
			     args.TotalBytes, hv(args.hMemoryHandle), args.pMdl);
		h->stop = true;
		return;
	}
	pfns = MmGetMdlPfnArray(args.pMdl);
	for (i = 0; i < PAGE_ALIGN(args.TotalBytes) >> PAGE_SHIFT; i++)
		if (!pfn_valid(pfns[i]))
			hostile_fail(h, "MDL PFN %lu is %#lx", i, pfns[i]);
	hostile_adopt24(h, args.hMemoryHandle, a, true, args.CacheType,
			args.TotalBytes, args.pMdl);
}

/* Free a 2.4 allocation (@mem, or none) with mistake @m. */
static void hostile_free24(struct hostile *h, struct hostile_mem24 *mem,
			   bool mdl, enum hostile_mistake m)
{
	struct hostile_map24 *map = hostile_pick_map24(h);
	struct hostile_mem24 *other = hostile_pick_mem24(h, !mdl);
	NTSTATUS status, want = STATUS_INVALID_HANDLE;
	enum hostile_kind kind = mdl ? HK_FPM : HK_FCM;
	HANDLE hmem = mem ? mem->h : NULL, ha;
	struct hostile_snap before;
	unsigned int a = mem ? mem->owner : hr(h, 2);
	union {
		DXGKARGCB_FREECONTIGUOUSMEMORY contig;
		DXGKARGCB_FREEPAGESFROMMDL pages;
	} args;

	if (!mem && m == HM_NONE)
		m = HM_BAD_HANDLE;
	ha = hadapter(h, a);
	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		break;
	case HM_NULL_ARGS:
		want = STATUS_INVALID_PARAMETER;
		break;
	case HM_BAD_ADAPTER:
		ha = hostile_bad_handle(h, false);
		break;
	case HM_FOREIGN:
		ha = hadapter(h, !a);
		break;
	case HM_BAD_HANDLE:
		hmem = hostile_bad_handle(h, false);
		break;
	case HM_WRONG_KIND:
		/* The other allocation kind, an MDL mapping, an object. */
		hmem = other && hr(h, 2) ? other->h : map && hr(h, 2) ? map->h :
		       hostile_wrong_kind(h, DXGKPM_KIND_MEM24);
		break;
	default:
		break;
	}
	if (mdl)
		args.pages.hMemoryHandle = hmem;
	else
		args.contig.hMemoryHandle = hmem;

	hostile_begin(h, &before);
	if (mdl)
		status = hif(h, a)->DxgkCbFreePagesFromMdl(ha, m == HM_NULL_ARGS ?
							   NULL : &args.pages);
	else
		status = hif(h, a)->DxgkCbFreeContiguousMemory(ha, m == HM_NULL_ARGS ?
							       NULL : &args.contig);
	if (hostile_status(h, kind, m, status, want, &before) && mem &&
	    m == HM_NONE) {
		hostile_bury(h, mem->h);
		mem->h = NULL;
		mem->pmdl = NULL;
	}
	hostile_verify(h);
}

static void hostile_fcm(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_ADAPTER, HM_FOREIGN, HM_BAD_HANDLE,
		HM_WRONG_KIND,
	};

	hostile_free24(h, hostile_pick_mem24(h, false), false,
		       hostile_mistake(h, mistakes, ARRAY_SIZE(mistakes)));
}

static void hostile_fpm(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_ADAPTER, HM_FOREIGN, HM_BAD_HANDLE,
		HM_WRONG_KIND,
	};

	hostile_free24(h, hostile_pick_mem24(h, true), true,
		       hostile_mistake(h, mistakes, ARRAY_SIZE(mistakes)));
}

static void hostile_umi_of(struct hostile *h, struct hostile_map24 *map,
			   enum hostile_mistake m);

/* Describe @count of the test's own pages, from @offset in the first. */
static PMDL hostile_own_mdl(struct hostile *h)
{
	u32 count = 1 + hr(h, HOSTILE_MDL_PAGES);
	u32 offset = hr(h, PAGE_SIZE);
	u32 bytes = ((count - 1) << PAGE_SHIFT) + 1 + hr(h, PAGE_SIZE - offset);
	u32 i, first = hr(h, HOSTILE_MDL_PAGES);

	MmInitializeMdl(&h->mdl.mdl, (void *)(uintptr_t)offset, bytes);
	for (i = 0; i < count; i++)
		h->mdl.pfn[i] = page_to_pfn(h->page[(first + i) %
						    HOSTILE_MDL_PAGES]);
	return &h->mdl.mdl;
}

static void hostile_mmi(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_ADAPTER, HM_WRONG_KIND, HM_BAD_MDL,
	};
	enum hostile_mistake m = hostile_mistake(h, mistakes,
						 ARRAY_SIZE(mistakes));
	struct hostile_mem24 *mem = hostile_pick_mem24(h, true);
	NTSTATUS status, want = STATUS_INVALID_PARAMETER;
	DXGKARGCB_MAPMDLTOIOMMU args = {};
	struct hostile_snap before;
	unsigned int a = hr(h, 2), i;
	HANDLE ha = hadapter(h, a);

	/* A live allocation's MDL, or one of the test's own pages. */
	args.pMdl = mem && hr(h, 2) && m != HM_BAD_MDL ? mem->pmdl :
		    hostile_own_mdl(h);
	switch (m) {
	case HM_NONE:
		want = STATUS_SUCCESS;
		break;
	case HM_NULL_ARGS:
		args.pMdl = NULL;	/* or the whole structure, below */
		break;
	case HM_BAD_ADAPTER:
		ha = hostile_bad_handle(h, false);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_WRONG_KIND:
		ha = hostile_wrong_kind(h, DXGKPM_KIND_ADAPTER);
		want = STATUS_INVALID_HANDLE;
		break;
	case HM_BAD_MDL:
		switch (hr(h, 6)) {
		case 0:
			h->mdl.mdl.ByteCount = 0;
			break;
		case 1:
			h->mdl.mdl.ByteOffset = PAGE_SIZE + hr(h, PAGE_SIZE);
			break;
		case 2:
			h->mdl.mdl.Size = sizeof(MDL);	/* no room for PFNs */
			break;
		case 3:
			/* More than one MDL can describe. */
			h->mdl.mdl.ByteCount = U32_MAX - hr(h, PAGE_SIZE - 1);
			break;
		case 4:
			/* A hole, a reserved page (PFN 0), far beyond RAM. */
			h->mdl.pfn[0] = hr(h, 2) ? 0 : ULONG_MAX - hr(h, 1000);
			break;
		default:
			h->mdl.pfn[0] = ((u64)prandom_u32_state(&h->rnd) << 20) |
					0xfffff;
			break;
		}
		break;
	default:
		break;
	}

	args.hMemoryHandle = (HANDLE)1;
	hostile_begin(h, &before);
	status = hif(h, a)->DxgkCbMapMdlToIoMmu(ha, m == HM_NULL_ARGS &&
						hr(h, 2) ? NULL : &args);
	if (!hostile_status(h, HK_MMI, m, status, want, &before)) {
		if (m != HM_NULL_ARGS && args.hMemoryHandle)
			hostile_fail(h, "a failed MapMdlToIoMmu left %#llx",
				     hv(args.hMemoryHandle));
		hostile_verify(h);
		return;
	}
	if (!args.hMemoryHandle) {
		hostile_fail(h, "MapMdlToIoMmu gave no handle");
		h->stop = true;
		return;
	}
	for (i = 0; h->map[i].h; i++)
		;
	h->map[i].h = args.hMemoryHandle;
	h->map[i].owner = a;
	hostile_verify(h);
	for (i = 0; i < HOSTILE_MAPS24 && h->map[i].h; i++)
		;
	if (i == HOSTILE_MAPS24)
		hostile_umi_of(h, &h->map[hr(h, HOSTILE_MAPS24)], HM_NONE);
}

static void hostile_umi_of(struct hostile *h, struct hostile_map24 *map,
			   enum hostile_mistake m)
{
	DXGKARGCB_UNMAPMDLFROMIOMMU args = {};
	struct hostile_mem24 *mem = hostile_pick_mem24(h, -1);
	struct hostile_snap before;
	unsigned int a = map ? map->owner : hr(h, 2);
	HANDLE ha = hadapter(h, a);

	if (!map && m == HM_NONE)
		m = HM_BAD_HANDLE;
	args.hMemoryHandle = map ? map->h : NULL;
	switch (m) {
	case HM_BAD_ADAPTER:
		ha = hostile_bad_handle(h, false);
		break;
	case HM_FOREIGN:
		ha = hadapter(h, !a);
		break;
	case HM_BAD_HANDLE:
		args.hMemoryHandle = hostile_bad_handle(h, false);
		break;
	case HM_WRONG_KIND:
		/* An allocation is not a mapping; nor is an object. */
		args.hMemoryHandle = mem && hr(h, 2) ? mem->h :
			hostile_wrong_kind(h, DXGKPM_KIND_MEM24);
		break;
	default:
		break;
	}

	hostile_begin(h, &before);
	hif(h, a)->DxgkCbUnmapMdlFromIoMmu(ha, m == HM_NULL_ARGS ? NULL : &args);
	if (hostile_void(h, HK_UMI, m, m == HM_NONE, &before) && m == HM_NONE) {
		hostile_bury(h, map->h);
		map->h = NULL;
	}
	hostile_verify(h);
}

static void hostile_umi(struct hostile *h)
{
	static const enum hostile_mistake mistakes[] = {
		HM_NULL_ARGS, HM_BAD_ADAPTER, HM_FOREIGN, HM_BAD_HANDLE,
		HM_WRONG_KIND,
	};

	hostile_umi_of(h, hostile_pick_map24(h),
		       hostile_mistake(h, mistakes, ARRAY_SIZE(mistakes)));
}

/* --------------------------------------------------------------- driver */

/* Give everything back through the callbacks, each call checked. */
static void hostile_teardown(struct hostile *h)
{
	unsigned int i, j;

	h->stop = false;
	for (i = 0; i < HOSTILE_OBJECTS; i++) {
		struct hostile_obj *o = &h->obj[i];

		if (!o->live)
			continue;
		for (j = 0; j < HOSTILE_ADLS; j++)
			if (o->adl[j].p)
				hostile_free_adl_of(h, o, j, HM_NONE);
		for (j = 0; j < HOSTILE_VIEWS; j++) {
			if (o->kview[j].base)
				hostile_unmap_view(h, o, &o->kview[j], HM_NONE);
			if (o->uview[j].base)
				hostile_unmap_view(h, o, &o->uview[j], HM_NONE);
		}
		hostile_destroy_obj(h, o, HM_NONE);
	}
	for (i = 0; i < HOSTILE_GHOSTS; i++) {
		for (j = 0; h->ghost[i].live && j < HOSTILE_VIEWS; j++)
			if (h->ghost[i].uview[j].base)
				hostile_munmap(h, &h->ghost[i].uview[j]);
		h->ghost[i].live = false;
	}
	for (i = 0; i < HOSTILE_MAPS24; i++)
		if (h->map[i].h)
			hostile_umi_of(h, &h->map[i], HM_NONE);
	for (i = 0; i < HOSTILE_MEM24; i++)
		if (h->mem[i].h)
			hostile_free24(h, &h->mem[i], h->mem[i].mdl, HM_NONE);
	hostile_verify(h);
}

static void (*const hostile_calls[])(struct hostile *h) = {
	hostile_create, hostile_create, hostile_create,
	hostile_destroy, hostile_destroy,
	hostile_open, hostile_close,
	hostile_adl, hostile_adl, hostile_free_adl, hostile_free_adl,
	hostile_map, hostile_map, hostile_unmap, hostile_unmap,
	hostile_acm, hostile_fcm, hostile_apm, hostile_fpm,
	hostile_mmi, hostile_umi,
};

/*
 * What one seed must have done for its run to mean something: successes
 * of every callback (for VOID ones: calls that took effect), refusals of
 * the VOID calls, and the states that give their own statuses. Each is
 * about half of what the seeds reach (printed at the end of each seed).
 */
static const struct {
	enum hostile_kind kind;
	enum hostile_outcome outcome;
	unsigned long min;
} hostile_minimums[] = {
	{ HK_CREATE, HO_SUCCESS, 1000 },
	{ HK_CREATE, HO_PARAMETER, 580 },
	{ HK_CREATE, HO_HANDLE, 90 },
	{ HK_CREATE, HO_RESOURCES, 45 },
	{ HK_CREATE, HO_NOT_SUPPORTED, 90 },
	{ HK_DESTROY, HO_SUCCESS, 1000 },
	{ HK_DESTROY, HO_REFUSED, 750 },
	{ HK_OPEN, HO_SUCCESS, 190 },
	{ HK_OPEN, HO_DEVICE_STATE, 70 },
	{ HK_OPEN, HO_HANDLE, 220 },
	{ HK_CLOSE, HO_SUCCESS, 170 },
	{ HK_CLOSE, HO_REFUSED, 400 },
	{ HK_ADL, HO_SUCCESS, 650 },
	{ HK_ADL, HO_PARAMETER, 420 },
	{ HK_FREE_ADL, HO_SUCCESS, 650 },
	{ HK_FREE_ADL, HO_REFUSED, 550 },
	{ HK_MAP, HO_SUCCESS, 600 },
	{ HK_MAP, HO_DENIED, 6 },
	{ HK_UNMAP, HO_SUCCESS, 550 },
	{ HK_UNMAP, HO_REFUSED, 600 },
	{ HK_ACM, HO_SUCCESS, 300 },
	{ HK_ACM, HO_RESOURCES, 25 },
	{ HK_FCM, HO_SUCCESS, 300 },
	{ HK_FCM, HO_HANDLE, 300 },
	{ HK_APM, HO_SUCCESS, 340 },
	{ HK_APM, HO_NOT_SUPPORTED, 18 },
	{ HK_FPM, HO_SUCCESS, 340 },
	{ HK_MMI, HO_SUCCESS, 330 },
	{ HK_MMI, HO_PARAMETER, 120 },
	{ HK_UMI, HO_SUCCESS, 330 },
	{ HK_UMI, HO_REFUSED, 340 },
};

/* Every mistake each callback is given, which each seed must make. */
static bool hostile_mistake_made(const struct hostile *h, unsigned int kind,
				 unsigned int m)
{
	return h->mistakes[kind][m];
}

static void hostile_report(struct hostile *h)
{
	static const enum hostile_mistake all_of[HK_NR][8] = {
		[HK_CREATE] = { HM_NAMED_SECTION, HM_IO_OUTSIDE_BAR,
				HM_BAD_BOUNDARY, HM_UNSUPPORTED_FLAGS },
		[HK_DESTROY] = { HM_BUSY, HM_BAD_AMO, HM_FOREIGN },
		[HK_OPEN] = { HM_ALREADY_OPEN, HM_BAD_ADAPTER },
		[HK_CLOSE] = { HM_BUSY },
		[HK_ADL] = { HM_REQUIRE_CONTIG, HM_UNALIGNED },
		[HK_FREE_ADL] = { HM_FOREIGN, HM_NOT_LIVE },
		[HK_MAP] = { HM_USER_IO, HM_UNZEROED, HM_BAD_MODE },
		[HK_UNMAP] = { HM_WRONG_SIZE, HM_NOT_LIVE, HM_FOREIGN },
		[HK_MMI] = { HM_BAD_MDL },
	};
	char line[512] = "";
	unsigned int k, o, m, i;
	size_t len;

	for (k = 0; k < HK_NR; k++) {
		unsigned long calls = 0;

		len = 0;
		for (o = 0; o < HO_NR; o++) {
			calls += h->outcomes[k][o];
			if (h->outcomes[k][o])
				len += scnprintf(line + len, sizeof(line) - len,
						 " %s %lu", hostile_outcome_names[o],
						 h->outcomes[k][o]);
		}
		kunit_info(h->test, "%s: %lu calls:%s\n", hostile_kind_names[k],
			   calls, line);
		len = 0;
		for (m = 0; m < HM_NR; m++)
			if (h->mistakes[k][m])
				len += scnprintf(line + len, sizeof(line) - len,
						 "%s%s %lu", len ? ", " : "",
						 hostile_mistake_names[m],
						 h->mistakes[k][m]);
		kunit_info(h->test, "  %s\n", line);
		/* The mistakes that only some calls make must have been made. */
		for (i = 0; i < ARRAY_SIZE(all_of[k]) && all_of[k][i]; i++)
			KUNIT_EXPECT_TRUE_MSG(h->test,
					      hostile_mistake_made(h, k, all_of[k][i]),
					      "seed %#x: no %s with %s", h->seed,
					      hostile_kind_names[k],
					      hostile_mistake_names[all_of[k][i]]);
		KUNIT_EXPECT_EQ_MSG(h->test, h->outcomes[k][HO_OTHER], 0UL,
				    "seed %#x: %s returned undocumented statuses",
				    h->seed, hostile_kind_names[k]);
		/*
		 * A few pages must always be found in a 1 GiB guest that
		 * holds at most some hundred of them for this test.
		 */
		KUNIT_EXPECT_EQ_MSG(h->test, h->outcomes[k][HO_EXHAUSTED], 0UL,
				    "seed %#x: %s ran out of resources for well-formed calls",
				    h->seed, hostile_kind_names[k]);
	}
	kunit_info(h->test, "created: mdl %lu, contiguous %lu, section %lu, io-space %lu; ADLs: mdl %lu, contiguous %lu, section %lu, io-space %lu; views: kernel %lu, user %lu; user views unmapped after Destroy: %lu\n",
		   h->created[0], h->created[1], h->created[2], h->created[3],
		   h->adls[0], h->adls[1], h->adls[2], h->adls[3],
		   h->views[0], h->views[1], h->ghost_munmaps);
	for (i = 0; i < ARRAY_SIZE(hostile_minimums); i++)
		KUNIT_EXPECT_GE_MSG(h->test,
				    h->outcomes[hostile_minimums[i].kind]
					       [hostile_minimums[i].outcome],
				    hostile_minimums[i].min,
				    "seed %#x: too few %s %s", h->seed,
				    hostile_kind_names[hostile_minimums[i].kind],
				    hostile_outcome_names[hostile_minimums[i].outcome]);
	/* Of each memory type, objects and ADLs: IO space is the rarest. */
	for (k = 0; k < 4; k++) {
		KUNIT_EXPECT_GE_MSG(h->test, h->created[k], 120UL,
				    "seed %#x: too few objects of type %u",
				    h->seed, k);
		KUNIT_EXPECT_GE_MSG(h->test, h->adls[k], 70UL,
				    "seed %#x: too few ADLs of type %u",
				    h->seed, k);
	}
	KUNIT_EXPECT_GE(h->test, h->views[DXGK_ACCESS_MODE_KERNEL_MODE], 300UL);
	KUNIT_EXPECT_GE(h->test, h->views[DXGK_ACCESS_MODE_USER_MODE], 250UL);
	KUNIT_EXPECT_GE(h->test, h->ghost_munmaps, 25UL);
}

static void hostile_free_page(void *page)
{
	__free_page(page);
}

/* An adapter handle that was valid once: registered, then unregistered. */
static HANDLE hostile_stale_adapter(struct kunit *test)
{
	DXGKRNL_INTERFACE iface = {
		.Size = sizeof(iface),
		.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9,
	};
	struct dxgkpm_adapter *adapter;
	struct device *dev;

	dev = kunit_device_register(test, "dxgkpm-hostile-gone");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	adapter = dxgkpm_register_adapter(dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, adapter);
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(adapter, &iface), 0);
	dxgkpm_unregister_adapter(adapter);
	return iface.DeviceHandle;
}

/*
 * Passes if, for HOSTILE_CALLS random calls from a fixed seed, every
 * status is exactly the model's, every VOID call did exactly what the model
 * says (seen in dxgkpm_stats and in the objects it touched), nothing runs
 * out of resources, nothing crashes or trips a kernel checker, the minimum
 * counts are reached and every mistake was made; and if, after the model
 * gave everything back through the callbacks (each call checked too) and
 * the adapters are unregistered, dxgkpm holds no object, handle, page,
 * view, pin or mapping.
 */
static void dxgkpm_hostile_random(struct kunit *test)
{
	const u32 *seed = test->param_value;
	struct hostile *h;
	unsigned long i;
	struct pci_dev *pdev;
	unsigned int a;

	KUNIT_ASSERT_LE(test, dxgkpm_stats_count(), HOSTILE_STATS);
	KUNIT_ASSERT_TRUE_MSG(test, dxgkpm_kt_idle(),
			      "dxgkpm holds objects before the test");
	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->test = test;
	h->seed = *seed;
	prandom_seed_state(&h->rnd, *seed);
	h->ram_pages = totalram_pages();
	KUNIT_ASSERT_LT(test, h->ram_pages, 1UL << 20);	/* < 4 GiB */
	hostile_bury(h, hostile_stale_adapter(test));
	for (a = 0; a < 2; a++) {
		h->kt[a] = dxgkpm_kt_setup(test, a);
		pdev = h->kt[a]->edu->pdev;
		h->bar[a] = pci_resource_start(pdev, 0);
		h->bar_pages[a] = pci_resource_len(pdev, 0) >> PAGE_SHIFT;
		KUNIT_ASSERT_GE(test, h->bar_pages[a], (pgoff_t)HOSTILE_MAX_PAGES);
		KUNIT_ASSERT_FALSE(test, pci_resource_flags(pdev, 0) &
				   IORESOURCE_PREFETCH);
	}
	for (i = 0; i < HOSTILE_MDL_PAGES; i++) {
		h->page[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, h->page[i]);
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test, hostile_free_page,
							  h->page[i]), 0);
	}
	/* User-mode views go into an address space of the test's own. */
	KUNIT_ASSERT_NE(test, kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					    PROT_READ | PROT_WRITE,
					    MAP_ANONYMOUS | MAP_PRIVATE, 0), 0UL);
	hostile_verify(h);

	for (i = 0; i < HOSTILE_CALLS && !h->stop; i++) {
		hostile_calls[hr(h, ARRAY_SIZE(hostile_calls))](h);
		if (!(i % 256))
			cond_resched();
	}
	if (h->stop)
		kunit_info(test, "seed %#x: stopped at call %lu\n", *seed,
			   h->calls);
	hostile_teardown(h);
	dxgkpm_kt_expect_no_memory(test);
	dxgkpm_kt_unregister_now(test, h->kt[1]->adapter);
	dxgkpm_kt_unregister_now(test, h->kt[0]->adapter);
	kunit_info(test, "seed %#x: %lu calls\n", *seed, h->calls);
	hostile_report(h);
}

static void hostile_seed_desc(const u32 *seed, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "seed-%#x", *seed);
}

KUNIT_ARRAY_PARAM(hostile, hostile_seeds, hostile_seed_desc);

static struct kunit_case dxgkpm_hostile_cases[] = {
	KUNIT_CASE_PARAM_ATTR(dxgkpm_hostile_random, hostile_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite dxgkpm_hostile_suite = {
	.name = "dxgkpm_hostile",
	.init = dxgkpm_kt_init,
	.suite_init = dxgkpm_kt_suite_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_hostile_cases,
};

kunit_test_suite(dxgkpm_hostile_suite);
