// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Hostile input at scale: every callback of DXGKRNL_INTERFACE, called at
 * random with a mix of valid, stale, foreign-adapter, wrong-kind and
 * garbage handles, extreme and overflowing sizes and offsets, illegal
 * flags, types and cache types, and orders the contract forbids (destroy
 * with live ADLs or views, close twice, unmap with the wrong base or size,
 * free an ADL through another object). The test keeps a model of what is
 * alive and checks every status against it: a call whose arguments the
 * model knows to be wrong must fail with the status the documentation
 * gives for that mistake, a well-formed call must succeed (or, for an
 * allocation, report a lack of resources), and a refused VOID call must
 * change nothing. At the end the model tears everything down and dxgkpm
 * must hold nothing. Seeds are fixed and printed, so a failure replays.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pci.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "helpers.h"

#define HOSTILE_SEEDS		4
#define HOSTILE_CALLS		26000	/* per seed: > 10^5 calls in all */
#define HOSTILE_OBJECTS		24
#define HOSTILE_ADLS		4
#define HOSTILE_VIEWS		3
#define HOSTILE_DEAD		64
#define HOSTILE_MEM24		6

static const u32 hostile_seeds[HOSTILE_SEEDS] = {
	0x5eed0001, 0xdeadbeef, 0x0badcafe, 0x13572468,
};

/* What the model knows of one live object. */
struct hostile_view {
	void *base;
	SIZE_T size;
};

struct hostile_obj {
	bool live;
	bool unzeroed;		/* MM_DONT_ZERO_ALLOCATION: no user views */
	unsigned int owner;	/* adapter the AMO is on */
	DXGK_PHYSICAL_MEMORY_TYPE type;
	SIZE_T pages;
	HANDLE pmo;
	HANDLE amo;		/* NULL when closed */
	DXGK_ADL *adl[HOSTILE_ADLS];
	struct hostile_view kview[HOSTILE_VIEWS];
	struct hostile_view uview[HOSTILE_VIEWS];
};

struct hostile_mem24 {
	HANDLE h;
	unsigned int owner;
	int kind;		/* 0 contiguous, 1 pages for MDL */
};

struct hostile {
	struct kunit *test;
	struct rnd_state rnd;
	struct dxgkpm_kt *kt[2];
	struct hostile_obj obj[HOSTILE_OBJECTS];
	struct hostile_mem24 mem[HOSTILE_MEM24];
	/* Handles and pointers that were valid once. */
	HANDLE dead[HOSTILE_DEAD];
	unsigned int ndead;
	DXGK_ADL *dead_adl[HOSTILE_DEAD];
	unsigned int ndead_adl;
	unsigned long calls;
	unsigned long successes;
};

static u32 hr(struct hostile *h, u32 n)
{
	return n ? prandom_u32_state(&h->rnd) % n : 0;
}

static bool hchance(struct hostile *h, u32 percent)
{
	return hr(h, 100) < percent;
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

/* A handle that is not valid: stale, forged, garbage or NULL. */
static HANDLE hostile_bad_handle(struct hostile *h)
{
	u64 v;

	switch (hr(h, 4)) {
	case 0:
		if (h->ndead)
			return h->dead[hr(h, min_t(u32, h->ndead, HOSTILE_DEAD))];
		fallthrough;
	case 1:
		v = ((u64)prandom_u32_state(&h->rnd) << 32) |
		    prandom_u32_state(&h->rnd);
		return (HANDLE)(uintptr_t)v;
	case 2:
		/* A live handle with its generation tag altered. */
		v = (u64)(uintptr_t)h->kt[0]->h ^ (1ULL << (32 + hr(h, 24)));
		return (HANDLE)(uintptr_t)v;
	default:
		return (HANDLE)(uintptr_t)hr(h, 1 << 16);
	}
}

static struct hostile_obj *hostile_pick(struct hostile *h, bool live)
{
	unsigned int i, start = hr(h, HOSTILE_OBJECTS);

	for (i = 0; i < HOSTILE_OBJECTS; i++) {
		struct hostile_obj *o = &h->obj[(start + i) % HOSTILE_OBJECTS];

		if (o->live == live)
			return o;
	}
	return NULL;
}

static unsigned int hostile_nadls(const struct hostile_obj *o)
{
	unsigned int i, n = 0;

	for (i = 0; i < HOSTILE_ADLS; i++)
		n += !!o->adl[i];
	return n;
}

static unsigned int hostile_nkviews(const struct hostile_obj *o)
{
	unsigned int i, n = 0;

	for (i = 0; i < HOSTILE_VIEWS; i++)
		n += !!o->kview[i].base;
	return n;
}

/* Every status any callback may return (Documentation/dxgkpm.rst). */
static bool hostile_status_known(NTSTATUS status)
{
	switch (status) {
	case STATUS_SUCCESS:
	case STATUS_INVALID_PARAMETER:
	case STATUS_INVALID_HANDLE:
	case STATUS_INSUFFICIENT_RESOURCES:
	case STATUS_NOT_SUPPORTED:
	case STATUS_INVALID_DEVICE_STATE:
	case STATUS_ACCESS_DENIED:
	case STATUS_NO_SUCH_DEVICE:
	case STATUS_CANCELLED:
		return true;
	default:
		return false;
	}
}

/* A status must be @want; report the call that broke the contract. */
static void hostile_expect(struct hostile *h, const char *what,
			   NTSTATUS status, NTSTATUS want)
{
	KUNIT_EXPECT_EQ_MSG(h->test, status, want, "call %lu: %s", h->calls,
			    what);
}

/* Checked on every status a call returns, whatever else is expected. */
static void hostile_known(struct hostile *h, NTSTATUS status)
{
	KUNIT_EXPECT_TRUE_MSG(h->test, hostile_status_known(status),
			      "call %lu: unexpected status %#x", h->calls,
			      status);
}

/* Any failure status, never success. */
static void hostile_expect_fail(struct hostile *h, const char *what,
				NTSTATUS status)
{
	KUNIT_EXPECT_FALSE_MSG(h->test, NT_SUCCESS(status),
			       "call %lu: %s succeeded", h->calls, what);
}

static const DXGKRNL_INTERFACE *hif(struct hostile *h, unsigned int i)
{
	return &h->kt[i]->iface;
}

/* ---------------------------------------------------------------- create */

static SIZE_T hostile_size(struct hostile *h, bool *valid)
{
	switch (hr(h, 10)) {
	case 0:
		*valid = false;
		return 0;
	case 1:
		*valid = false;
		return SIZE_MAX - hr(h, 3 * PAGE_SIZE);
	case 2:
		*valid = false;	/* beyond RAM */
		return (SIZE_T)hr(h, 1 << 20) << 32;
	default:
		*valid = true;
		return 1 + hr(h, 6 * PAGE_SIZE);
	}
}

static void hostile_create(struct hostile *h)
{
	DXGKARGCB_CREATE_PHYSICAL_MEMORY_OBJECT args = {};
	struct hostile_obj *slot = hostile_pick(h, false);
	bool valid = true, open = hchance(h, 70), size_ok;
	unsigned int a = hr(h, 2);
	NTSTATUS status;

	args.Size = hostile_size(h, &size_ok);
	valid &= size_ok;
	args.Context = prandom_u32_state(&h->rnd);
	args.Type = hr(h, 12) ? hr(h, 3) : 3 + hr(h, 9);	/* IO below */
	args.CacheType = hr(h, 20) ? hr(h, 3) : 3 + hr(h, 1000);
	valid &= args.Type <= DXGK_PHYSICAL_MEMORY_TYPE_SECTION &&
		 args.CacheType <= DXGK_MEMORY_CACHING_TYPE_WRITE_COMBINED;
	if (open)
		args.hAdapter = hif(h, a)->DeviceHandle;
	if (hchance(h, 5)) {
		args.hAdapter = hostile_bad_handle(h);
		open = true;
		valid = false;
	}
	switch (args.Type) {
	case DXGK_PHYSICAL_MEMORY_TYPE_MDL:
		args.Mdl.HighAddress.QuadPart = -1;
		if (hchance(h, 10)) {
			/* 0x3f: every flag dxgkpm honours. */
			args.Mdl.Flags = hchance(h, 50) ?
					 prandom_u32_state(&h->rnd) :
					 hr(h, 0x40);
			valid &= !(args.Mdl.Flags & ~0x3fU);
		}
		if (hchance(h, 5)) {
			args.Mdl.LowAddress.QuadPart = -1;
			valid = false;
		}
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY:
		args.ContiguousMemory.HighestAcceptableAddress.QuadPart = -1;
		if (hchance(h, 10)) {
			args.ContiguousMemory.BoundaryAddressMultiple.QuadPart =
				3 * PAGE_SIZE;
			valid = false;
		}
		break;
	case DXGK_PHYSICAL_MEMORY_TYPE_SECTION:
		args.Section.PageProtection = hchance(h, 90) ? PAGE_READWRITE :
					      prandom_u32_state(&h->rnd) | 1;
		valid &= args.Section.PageProtection == PAGE_READWRITE &&
			 args.CacheType != DXGK_MEMORY_CACHING_TYPE_NON_CACHED;
		break;
	default:
		break;
	}

	h->calls++;
	status = hif(h, a)->DxgkCbCreatePhysicalMemoryObject(&args);
	hostile_known(h, status);
	if (!NT_SUCCESS(status)) {
		KUNIT_EXPECT_NULL(h->test, args.hPhysicalMemoryObject);
		KUNIT_EXPECT_NULL(h->test, args.hAdapterMemoryObject);
		if (valid)
			hostile_expect(h, "a valid create", status,
				       STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	h->successes++;
	KUNIT_EXPECT_TRUE_MSG(h->test, valid, "call %lu: a bad create succeeded",
			      h->calls);
	if (!slot) {
		/* Not modelled: give it back at once. */
		DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT d = {
			args.hPhysicalMemoryObject, args.hAdapterMemoryObject,
		};

		hif(h, 0)->DxgkCbDestroyPhysicalMemoryObject(&d);
		return;
	}
	memset(slot, 0, sizeof(*slot));
	slot->live = true;
	slot->unzeroed = args.Type == DXGK_PHYSICAL_MEMORY_TYPE_MDL &&
			 (args.Mdl.Flags & MM_DONT_ZERO_ALLOCATION);
	slot->owner = a;
	slot->type = args.Type;
	slot->pages = PAGE_ALIGN(args.Size) >> PAGE_SHIFT;
	slot->pmo = args.hPhysicalMemoryObject;
	slot->amo = args.hAdapterMemoryObject;
	KUNIT_EXPECT_NOT_NULL(h->test, slot->pmo);
	KUNIT_EXPECT_EQ(h->test, !!slot->amo, open);
}

/* ------------------------------------------------------- destroy, close */

static void hostile_destroy(struct hostile *h)
{
	DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT args = {};
	struct hostile_obj *o = hostile_pick(h, true);
	HANDLE wrong_amo = NULL;
	bool expect_gone;
	unsigned int i;

	h->calls++;
	if (!o || hchance(h, 15)) {
		args.hPhysicalMemoryObject = hostile_bad_handle(h);
		hif(h, hr(h, 2))->DxgkCbDestroyPhysicalMemoryObject(&args);
		return;
	}
	args.hPhysicalMemoryObject = o->pmo;
	if (o->amo && hchance(h, 50))
		args.hAdapterMemoryObject = o->amo;
	if (hchance(h, 10)) {
		/* Another object's AMO, or garbage: the whole call is refused. */
		struct hostile_obj *other = hostile_pick(h, true);

		wrong_amo = other && other != o && other->amo ? other->amo :
							       hostile_bad_handle(h);
		args.hAdapterMemoryObject = wrong_amo;
	}
	hif(h, hr(h, 2))->DxgkCbDestroyPhysicalMemoryObject(&args);

	/* Refused with live ADLs, kernel views, or a wrong AMO. */
	expect_gone = !wrong_amo && !hostile_nadls(o) && !hostile_nkviews(o);
	if (!expect_gone)
		return;
	/*
	 * Gone: its handles are stale. User views keep the memory until this
	 * process unmaps them, which it now must do itself.
	 */
	hostile_bury(h, o->pmo);
	hostile_bury(h, o->amo);
	for (i = 0; i < HOSTILE_VIEWS; i++)
		if (o->uview[i].base)
			vm_munmap((unsigned long)o->uview[i].base,
				  o->uview[i].size);
	o->live = false;
}

static void hostile_close(struct hostile *h)
{
	DXGKARGCB_CLOSE_PHYSICAL_MEMORY_OBJECT args = {};
	struct hostile_obj *o = hostile_pick(h, true);

	h->calls++;
	if (!o || !o->amo || hchance(h, 15)) {
		args.hAdapterMemoryObject = o && hchance(h, 50) ? o->pmo :
					    hostile_bad_handle(h);
		hif(h, hr(h, 2))->DxgkCbClosePhysicalMemoryObject(&args);
		return;
	}
	args.hAdapterMemoryObject = o->amo;
	hif(h, hr(h, 2))->DxgkCbClosePhysicalMemoryObject(&args);
	if (hostile_nadls(o))
		return;		/* refused: the ADLs keep it open */
	hostile_bury(h, o->amo);
	o->amo = NULL;
}

/* ------------------------------------------------------------------ open */

static void hostile_open(struct hostile *h)
{
	DXGKARGCB_OPEN_PHYSICAL_MEMORY_OBJECT args = {};
	struct hostile_obj *o = hostile_pick(h, true);
	unsigned int a = hr(h, 2);
	NTSTATUS status;

	h->calls++;
	args.hAdapter = hif(h, a)->DeviceHandle;
	if (!o || hchance(h, 15)) {
		args.hPhysicalMemoryObject = o && hchance(h, 50) && o->amo ?
					     o->amo : hostile_bad_handle(h);
		status = hif(h, a)->DxgkCbOpenPhysicalMemoryObject(&args);
		hostile_expect(h, "open of a bad handle", status,
			       STATUS_INVALID_HANDLE);
		KUNIT_EXPECT_NULL(h->test, args.hAdapterMemoryObject);
		return;
	}
	args.hPhysicalMemoryObject = o->pmo;
	if (hchance(h, 5))
		args.hAdapter = hostile_bad_handle(h);
	status = hif(h, a)->DxgkCbOpenPhysicalMemoryObject(&args);
	hostile_known(h, status);
	if (args.hAdapter != hif(h, a)->DeviceHandle) {
		hostile_expect(h, "open on a bad adapter", status,
			       STATUS_INVALID_HANDLE);
	} else if (o->amo) {
		hostile_expect(h, "a second open", status,
			       STATUS_INVALID_DEVICE_STATE);
	} else if (NT_SUCCESS(status)) {
		h->successes++;
		o->amo = args.hAdapterMemoryObject;
		o->owner = a;
	} else {
		hostile_expect(h, "a valid open", status,
			       STATUS_INSUFFICIENT_RESOURCES);
	}
}

/* ------------------------------------------------------------------- ADL */

static void hostile_adl(struct hostile *h)
{
	DXGKARGCB_ALLOCATE_ADL args = {};
	struct hostile_obj *o = hostile_pick(h, true);
	unsigned int slot;
	bool valid = true;
	NTSTATUS status;

	h->calls++;
	if (!o || !o->amo || hchance(h, 10)) {
		args.hAdapterMemoryObject = o && hchance(h, 50) ? o->pmo :
					    hostile_bad_handle(h);
		args.Size = PAGE_SIZE;
		status = hif(h, hr(h, 2))->DxgkCbAllocateAdl(&args);
		hostile_expect(h, "ADL of a bad handle", status,
			       STATUS_INVALID_HANDLE);
		KUNIT_EXPECT_NULL(h->test, args.pAdl);
		return;
	}
	args.hAdapterMemoryObject = o->amo;
	args.Offset = hr(h, o->pages) << PAGE_SHIFT;
	args.Size = (1 + hr(h, o->pages - (args.Offset >> PAGE_SHIFT))) <<
		    PAGE_SHIFT;
	args.Flags.PreferContiguous = hr(h, 2);
	switch (hr(h, 12)) {
	case 0:
		args.Offset += 1 + hr(h, PAGE_SIZE - 1);
		valid = false;
		break;
	case 1:
		args.Size = 0;
		valid = false;
		break;
	case 2:
		args.Size = SIZE_MAX & PAGE_MASK;
		valid = false;
		break;
	case 3:
		args.Flags.Value |= BIT(2 + hr(h, 30));
		valid = false;
		break;
	case 4:
		args.Flags.RequireContiguous = 1;
		valid = o->type == DXGK_PHYSICAL_MEMORY_TYPE_CONTIGUOUS_MEMORY;
		break;
	}
	for (slot = 0; slot < HOSTILE_ADLS && o->adl[slot]; slot++)
		;
	status = hif(h, hr(h, 2))->DxgkCbAllocateAdl(&args);
	hostile_known(h, status);
	if (!valid) {
		hostile_expect(h, "a bad ADL", status, STATUS_INVALID_PARAMETER);
		KUNIT_EXPECT_NULL(h->test, args.pAdl);
		return;
	}
	if (!NT_SUCCESS(status)) {
		hostile_expect(h, "a valid ADL", status,
			       STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	h->successes++;
	KUNIT_EXPECT_EQ(h->test, args.pAdl->PageCount,
			(UINT32)(args.Size >> PAGE_SHIFT));
	if (slot < HOSTILE_ADLS) {
		o->adl[slot] = args.pAdl;
	} else {
		DXGKARGCB_FREE_ADL f = { o->amo, args.pAdl };

		hif(h, 0)->DxgkCbFreeAdl(&f);
	}
}

static void hostile_free_adl(struct hostile *h)
{
	DXGKARGCB_FREE_ADL args = {};
	struct hostile_obj *o = hostile_pick(h, true);
	struct hostile_obj *other = hostile_pick(h, true);
	DXGK_ADL stack_adl = {};
	unsigned int i;

	h->calls++;
	if (!o || !o->amo || !hostile_nadls(o) || hchance(h, 20)) {
		/* Never dereferenced: stale, stack and foreign pointers. */
		args.hAdapterMemoryObject = o && o->amo ? o->amo :
					    hostile_bad_handle(h);
		args.pAdl = h->ndead_adl && hchance(h, 50) ?
			    h->dead_adl[hr(h, min_t(u32, h->ndead_adl,
						    HOSTILE_DEAD))] :
			    &stack_adl;
		if (other && other != o && other->amo && hostile_nadls(other)) {
			for (i = 0; i < HOSTILE_ADLS; i++)
				if (other->adl[i])
					args.pAdl = other->adl[i];
		}
		hif(h, hr(h, 2))->DxgkCbFreeAdl(&args);
		return;
	}
	for (i = 0; !o->adl[i]; i++)
		;
	args.hAdapterMemoryObject = o->amo;
	args.pAdl = o->adl[i];
	hif(h, hr(h, 2))->DxgkCbFreeAdl(&args);
	hostile_bury_adl(h, o->adl[i]);
	o->adl[i] = NULL;
}

/* ----------------------------------------------------------------- views */

static void hostile_map(struct hostile *h)
{
	DXGKARGCB_MAP_PHYSICAL_MEMORY args = {};
	struct hostile_obj *o = hostile_pick(h, true);
	struct hostile_view *views;
	bool valid = true, user;
	unsigned int slot;
	NTSTATUS status;

	h->calls++;
	args.AccessMode = hr(h, 2);
	args.Size = 1;
	if (!o || hchance(h, 10)) {
		args.hPhysicalMemoryObject = o && o->amo && hchance(h, 50) ?
					     o->amo : hostile_bad_handle(h);
		status = hif(h, hr(h, 2))->DxgkCbMapPhysicalMemory(&args);
		hostile_expect(h, "map of a bad handle", status,
			       STATUS_INVALID_HANDLE);
		KUNIT_EXPECT_NULL(h->test, args.pMappedAddress);
		return;
	}
	args.hPhysicalMemoryObject = o->pmo;
	args.Offset = hr(h, o->pages << PAGE_SHIFT);
	args.Size = 1 + hr(h, (o->pages << PAGE_SHIFT) - args.Offset);
	switch (hr(h, 12)) {
	case 0:
		args.Size = 0;
		valid = false;
		break;
	case 1:
		args.Size = SIZE_MAX - hr(h, 100);
		valid = false;
		break;
	case 2:
		args.Offset = (o->pages << PAGE_SHIFT) + hr(h, PAGE_SIZE);
		valid = false;
		break;
	case 3:
		args.AccessMode = 2 + hr(h, 100);
		valid = false;
		break;
	}
	user = args.AccessMode == DXGK_ACCESS_MODE_USER_MODE;
	views = user ? o->uview : o->kview;
	for (slot = 0; slot < HOSTILE_VIEWS && views[slot].base; slot++)
		;
	status = hif(h, hr(h, 2))->DxgkCbMapPhysicalMemory(&args);
	hostile_known(h, status);
	if (!valid) {
		hostile_expect(h, "a bad map", status, STATUS_INVALID_PARAMETER);
		KUNIT_EXPECT_NULL(h->test, args.pMappedAddress);
		return;
	}
	if (user && o->unzeroed) {
		hostile_expect(h, "a user view of unzeroed memory", status,
			       STATUS_ACCESS_DENIED);
		return;
	}
	if (!NT_SUCCESS(status)) {
		hostile_expect(h, "a valid map", status,
			       STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	h->successes++;
	if (slot < HOSTILE_VIEWS) {
		views[slot].base = args.pMappedAddress;
		views[slot].size = args.Size;
	} else {
		DXGKARGCB_UNMAP_PHYSICAL_MEMORY u = {
			o->pmo, args.pMappedAddress, args.Size,
		};

		hif(h, 0)->DxgkCbUnmapPhysicalMemory(&u);
	}
}

static void hostile_unmap(struct hostile *h)
{
	DXGKARGCB_UNMAP_PHYSICAL_MEMORY args = {};
	struct hostile_obj *o = hostile_pick(h, true);
	struct hostile_view *v = NULL;
	unsigned int i;

	h->calls++;
	if (o) {
		for (i = 0; i < 2 * HOSTILE_VIEWS && !v; i++) {
			struct hostile_view *c = i < HOSTILE_VIEWS ?
				&o->kview[i] : &o->uview[i - HOSTILE_VIEWS];

			if (c->base)
				v = c;
		}
	}
	if (!v || hchance(h, 25)) {
		/* Wrong handle, base or size: refused, the view stays. */
		args.hPhysicalMemoryObject = o ? o->pmo : hostile_bad_handle(h);
		args.pBaseAddress = v ? (u8 *)v->base + PAGE_SIZE * hr(h, 2) + 4 :
				    (void *)(uintptr_t)prandom_u32_state(&h->rnd);
		args.Size = v ? v->size + PAGE_SIZE : PAGE_SIZE;
		if (v && hchance(h, 50)) {
			args.pBaseAddress = v->base;
		} else if (v && o) {
			args.hPhysicalMemoryObject = hostile_bad_handle(h);
			args.pBaseAddress = v->base;
			args.Size = v->size;
		}
		hif(h, hr(h, 2))->DxgkCbUnmapPhysicalMemory(&args);
		return;
	}
	args.hPhysicalMemoryObject = o->pmo;
	args.pBaseAddress = v->base;
	args.Size = v->size;
	hif(h, hr(h, 2))->DxgkCbUnmapPhysicalMemory(&args);
	v->base = NULL;
}

/* ------------------------------------------------------------ WDDM 2.4 */

static void hostile_alloc24(struct hostile *h)
{
	struct hostile_mem24 *slot = NULL;
	unsigned int i, a = hr(h, 2);
	HANDLE hadapter = hif(h, a)->DeviceHandle;
	bool valid = true;
	NTSTATUS status;
	int kind = hr(h, 2);
	HANDLE mem;

	for (i = 0; i < HOSTILE_MEM24; i++)
		if (!h->mem[i].h)
			slot = &h->mem[i];
	h->calls++;
	if (hchance(h, 10)) {
		hadapter = hostile_bad_handle(h);
		valid = false;
	}
	if (!kind) {
		DXGKARGCB_ALLOCATECONTIGUOUSMEMORY args = {};

		args.NumberOfBytes = hchance(h, 10) ? 0 : 1 + hr(h, 4 * PAGE_SIZE);
		args.HighestAcceptableAddress.QuadPart = -1;
		args.CacheType = hr(h, 20) ? hr(h, 3) : 7;
		valid &= args.NumberOfBytes && args.CacheType < 3;
		status = hif(h, a)->DxgkCbAllocateContiguousMemory(hadapter,
								   &args);
		mem = args.hMemoryHandle;
	} else {
		DXGKARGCB_ALLOCATEPAGESFORMDL args = {};

		args.TotalBytes = hchance(h, 10) ? SIZE_MAX : 1 + hr(h, 4 * PAGE_SIZE);
		args.HighAddress.QuadPart = -1;
		args.CacheType = hr(h, 3);
		valid &= args.TotalBytes != SIZE_MAX;
		status = hif(h, a)->DxgkCbAllocatePagesForMdl(hadapter, &args);
		mem = args.hMemoryHandle;
	}
	hostile_known(h, status);
	if (!valid) {
		hostile_expect_fail(h, "a bad 2.4 allocation", status);
		return;
	}
	if (!NT_SUCCESS(status)) {
		hostile_expect(h, "a valid 2.4 allocation", status,
			       STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	h->successes++;
	if (slot) {
		slot->h = mem;
		slot->owner = a;
		slot->kind = kind;
		return;
	}
	if (!kind) {
		DXGKARGCB_FREECONTIGUOUSMEMORY f = { mem };

		hif(h, a)->DxgkCbFreeContiguousMemory(hif(h, a)->DeviceHandle, &f);
	} else {
		DXGKARGCB_FREEPAGESFROMMDL f = { mem };

		hif(h, a)->DxgkCbFreePagesFromMdl(hif(h, a)->DeviceHandle, &f);
	}
}

static void hostile_free24(struct hostile *h)
{
	struct hostile_mem24 *m = &h->mem[hr(h, HOSTILE_MEM24)];
	unsigned int a = m->h ? m->owner : hr(h, 2);
	HANDLE hmem = m->h, hadapter = hif(h, a)->DeviceHandle;
	bool valid = !!m->h;
	int kind = m->h ? m->kind : hr(h, 2);
	NTSTATUS status;

	h->calls++;
	switch (hr(h, 8)) {
	case 0:		/* the other adapter: a foreign handle */
		hadapter = hif(h, !a)->DeviceHandle;
		valid = false;
		break;
	case 1:
		hmem = hostile_bad_handle(h);
		valid = false;
		break;
	case 2:		/* the other kind's callback */
		kind = !kind;
		valid = false;
		break;
	}
	if (!kind) {
		DXGKARGCB_FREECONTIGUOUSMEMORY f = { hmem };

		status = hif(h, a)->DxgkCbFreeContiguousMemory(hadapter, &f);
	} else {
		DXGKARGCB_FREEPAGESFROMMDL f = { hmem };

		status = hif(h, a)->DxgkCbFreePagesFromMdl(hadapter, &f);
	}
	hostile_known(h, status);
	if (!valid) {
		hostile_expect_fail(h, "a bad 2.4 free", status);
		return;
	}
	hostile_expect(h, "a valid 2.4 free", status, STATUS_SUCCESS);
	hostile_bury(h, m->h);
	m->h = NULL;
}

/* MapMdlToIoMmu with garbage MDLs and handles; Unmap with garbage. */
static void hostile_mdl24(struct hostile *h)
{
	struct {
		MDL mdl;
		PFN_NUMBER pfn[2];
	} bad = {};
	DXGKARGCB_MAPMDLTOIOMMU map = { .pMdl = &bad.mdl };
	DXGKARGCB_UNMAPMDLFROMIOMMU unmap = {};
	unsigned int a = hr(h, 2);
	NTSTATUS status;

	h->calls++;
	MmInitializeMdl(&bad.mdl, NULL, 2 * PAGE_SIZE);
	bad.pfn[0] = ((u64)prandom_u32_state(&h->rnd) << 20) | 0xfffff;
	bad.pfn[1] = ULONG_MAX - hr(h, 1000);
	if (hchance(h, 30))
		bad.mdl.ByteCount = prandom_u32_state(&h->rnd);
	status = hif(h, a)->DxgkCbMapMdlToIoMmu(hif(h, a)->DeviceHandle, &map);
	hostile_known(h, status);
	hostile_expect_fail(h, "mapping bogus PFNs", status);
	KUNIT_EXPECT_NULL(h->test, map.hMemoryHandle);
	unmap.hMemoryHandle = hostile_bad_handle(h);
	hif(h, a)->DxgkCbUnmapMdlFromIoMmu(hif(h, a)->DeviceHandle, &unmap);
}

/* --------------------------------------------------------------- driver */

static void hostile_teardown(struct hostile *h)
{
	unsigned int i, j;

	for (i = 0; i < HOSTILE_OBJECTS; i++) {
		struct hostile_obj *o = &h->obj[i];

		if (!o->live)
			continue;
		for (j = 0; j < HOSTILE_ADLS; j++) {
			DXGKARGCB_FREE_ADL f = { o->amo, o->adl[j] };

			if (o->adl[j])
				hif(h, 0)->DxgkCbFreeAdl(&f);
		}
		for (j = 0; j < HOSTILE_VIEWS; j++) {
			DXGKARGCB_UNMAP_PHYSICAL_MEMORY uk = {
				o->pmo, o->kview[j].base, o->kview[j].size,
			};
			DXGKARGCB_UNMAP_PHYSICAL_MEMORY uu = {
				o->pmo, o->uview[j].base, o->uview[j].size,
			};

			if (o->kview[j].base)
				hif(h, 0)->DxgkCbUnmapPhysicalMemory(&uk);
			if (o->uview[j].base)
				hif(h, 0)->DxgkCbUnmapPhysicalMemory(&uu);
		}
		{
			DXGKARGCB_DESTROY_PHYSICAL_MEMORY_OBJECT d = {
				o->pmo, o->amo,
			};

			hif(h, 0)->DxgkCbDestroyPhysicalMemoryObject(&d);
		}
		o->live = false;
	}
	for (i = 0; i < HOSTILE_MEM24; i++) {
		struct hostile_mem24 *m = &h->mem[i];
		HANDLE ha;

		if (!m->h)
			continue;
		ha = hif(h, m->owner)->DeviceHandle;
		if (!m->kind) {
			DXGKARGCB_FREECONTIGUOUSMEMORY f = { m->h };

			KUNIT_EXPECT_EQ(h->test,
					hif(h, 0)->DxgkCbFreeContiguousMemory(ha, &f),
					STATUS_SUCCESS);
		} else {
			DXGKARGCB_FREEPAGESFROMMDL f = { m->h };

			KUNIT_EXPECT_EQ(h->test,
					hif(h, 0)->DxgkCbFreePagesFromMdl(ha, &f),
					STATUS_SUCCESS);
		}
		m->h = NULL;
	}
}

static void (*const hostile_calls[])(struct hostile *h) = {
	hostile_create, hostile_create, hostile_create,
	hostile_destroy, hostile_destroy,
	hostile_open, hostile_close,
	hostile_adl, hostile_adl, hostile_free_adl, hostile_free_adl,
	hostile_map, hostile_map, hostile_unmap, hostile_unmap,
	hostile_alloc24, hostile_free24, hostile_mdl24,
};

/*
 * Passes if, for HOSTILE_CALLS random calls from a fixed seed, every status
 * matches the model, nothing crashes or trips a kernel checker, and after
 * the model tears everything down (and the adapters are unregistered)
 * dxgkpm holds no object, handle, page, view, pin or mapping.
 */
static void dxgkpm_hostile_random(struct kunit *test)
{
	const u32 *seed = test->param_value;
	struct hostile *h;
	unsigned long i;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	h->test = test;
	prandom_seed_state(&h->rnd, *seed);
	h->kt[0] = dxgkpm_kt_setup(test, 0);
	h->kt[1] = dxgkpm_kt_setup(test, 1);
	/* User-mode views go into an address space of the test's own. */
	KUNIT_ASSERT_NE(test, kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
					    PROT_READ | PROT_WRITE,
					    MAP_ANONYMOUS | MAP_PRIVATE, 0), 0UL);

	for (i = 0; i < HOSTILE_CALLS; i++) {
		hostile_calls[hr(h, ARRAY_SIZE(hostile_calls))](h);
		if (!(i % 256))
			cond_resched();
	}
	hostile_teardown(h);
	dxgkpm_kt_expect_no_memory(test);
	dxgkpm_kt_unregister_now(test, h->kt[1]->adapter);
	dxgkpm_kt_unregister_now(test, h->kt[0]->adapter);
	kunit_info(test, "seed %#x: %lu calls, %lu succeeded, %lu refused or VOID\n",
		   *seed, h->calls, h->successes, h->calls - h->successes);
	KUNIT_EXPECT_GE(test, h->calls, (unsigned long)HOSTILE_CALLS);
}

static void hostile_seed_desc(const u32 *seed, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "seed-%#x", *seed);
}

KUNIT_ARRAY_PARAM(hostile, hostile_seeds, hostile_seed_desc);

/* Runs last: dxgkpm holds nothing. */
static void dxgkpm_hostile_idle_after(struct kunit *test)
{
	dxgkpm_kt_expect_idle(test);
}

static struct kunit_case dxgkpm_hostile_cases[] = {
	KUNIT_CASE_PARAM_ATTR(dxgkpm_hostile_random, hostile_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(dxgkpm_hostile_idle_after),
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
