// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * KUnit suite for what an adapter's unregistration may and may not take
 * with it: what its driver left on it goes, what another adapter uses
 * stays; and for the device-managed registration, which goes with the
 * device's managed resources and leaves nothing when it fails.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/pci.h>
#include <linux/string.h>

#include "failnth.h"
#include "helpers.h"

#define AT_PAGES	2U

/*
 * An object created on adapter A, closed there and opened on adapter B,
 * with an ADL of B's: unregistering A must leave B's attachment and ADL
 * alone (B's device may be using them), and the object with its handle.
 */
static void dxgkpm_adapter_unregister_keeps_others(struct kunit *test)
{
	struct dxgkpm_pmo_desc desc = {
		.size = AT_PAGES * PAGE_SIZE,
		.type = DXGKPM_MEM_PAGES,
		.caching = DXGKPM_CACHING_CACHED,
		.pages.high = ~(phys_addr_t)0,
	};
	struct dxgkpm_edu *edu_b = dxgkpm_kt_edu(test, 1);
	struct dxgkpm_adapter *a, *b;
	struct dxgkpm_amo *amo_a, *amo_b, *held_amo;
	struct dxgkpm_pmo *pmo, *held, *again;
	size_t offset = 0, size = desc.size;
	struct dxgkpm_adl *adl;
	dma_addr_t dma[AT_PAGES];
	u64 handle;
	u8 *vaddr;
	u32 i;

	a = dxgkpm_kt_register(test, &dxgkpm_kt_edu(test, 0)->pdev->dev);
	b = dxgkpm_kt_register(test, &edu_b->pdev->dev);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_create(&desc, a, &pmo, &amo_a), 0);
	handle = pmo->obj.handle;
	dxgkpm_kt_reap_at_end(test, handle);
	/* References of the test's own, whatever the code under test does. */
	held = dxgkpm_pmo_get_handle(handle);
	KUNIT_ASSERT_PTR_EQ(test, held, pmo);
	KUNIT_ASSERT_EQ(test, dxgkpm_amo_close(amo_a), 0);
	KUNIT_ASSERT_EQ(test, dxgkpm_pmo_open(pmo, b, &amo_b), 0);
	held_amo = dxgkpm_amo_get_handle(amo_b->obj.handle);
	KUNIT_ASSERT_PTR_EQ(test, held_amo, amo_b);
	KUNIT_ASSERT_EQ(test, dxgkpm_map_kernel(pmo, &offset, &size,
						(void **)&vaddr), 0);
	dxgkpm_kt_fill(vaddr, PAGE_SIZE, 0xada9);
	memset(vaddr + PAGE_SIZE, 0, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, dxgkpm_adl_alloc(amo_b, 0, desc.size, 0, &adl), 0);
	for (i = 0; i < AT_PAGES; i++)
		dma[i] = dxgkpm_adl_dma_address(adl, i);

	dxgkpm_kt_unregister_now(test, a);

	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(adls), 1L,
			    "unregistering A freed B's ADL");
	again = dxgkpm_pmo_get_handle(handle);
	KUNIT_EXPECT_PTR_EQ_MSG(test, again, held,
				"the object's handle went with its creator");
	if (again)
		dxgkpm_pmo_put(again);
	/* B's device still reaches the memory through B's ADL. */
	KUNIT_EXPECT_EQ(test, dxgkpm_edu_copy(edu_b, dma[1], dma[0], PAGE_SIZE),
			0);
	KUNIT_EXPECT_EQ(test, dxgkpm_kt_mismatch(vaddr + PAGE_SIZE, PAGE_SIZE,
						 0xada9), PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dxgkpm_adl_free(amo_b, adl), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_unmap_kernel(pmo, vaddr, size), 0);
	KUNIT_EXPECT_EQ(test, dxgkpm_pmo_destroy(pmo, amo_b), 0);
	dxgkpm_amo_put(held_amo);
	dxgkpm_pmo_put(held);
	dxgkpm_kt_unregister_now(test, b);
	dxgkpm_kt_expect_idle(test);
}

/* More allocations than a registration makes. */
#define AT_MAX_NTH	64U

/* A device of the test's own, whose managed resources the test releases. */
static struct device *at_device(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "dxgkpm-devm");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	return dev;
}

/*
 * If the adapter of @handle is still registered, the test failed: unregister
 * it by hand, so that it does not outlive the test.
 */
static void at_unregister_left(struct kunit *test, u64 handle,
			       struct dxgkpm_adapter *adapter, const char *what)
{
	struct dxgkpm_adapter *left = dxgkpm_adapter_get_handle(handle);

	KUNIT_EXPECT_NULL_MSG(test, left, "%s: the adapter is still registered",
			      what);
	if (left) {
		dxgkpm_adapter_put(left);
		dxgkpm_unregister_adapter(adapter);
	}
}

/*
 * devm_dxgkpm_register_adapter(): the adapter is registered and usable
 * until the device's managed resources are released (here by deleting the
 * device, as an unbind releases a driver's), and is unregistered then, with
 * its handle and its references on the device and the module.
 */
static void dxgkpm_adapter_devm_unregisters(struct kunit *test)
{
	DXGKRNL_INTERFACE iface = {
		.Size = sizeof(iface),
		.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9,
	};
	struct device *dev = at_device(test);
	struct dxgkpm_adapter *adapter;
	u64 handle;

	adapter = devm_dxgkpm_register_adapter(dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, adapter);
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adapters), 1L);
	KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(adapter, &iface), 0);
	handle = dxgkpm_handle_to_u64(iface.DeviceHandle);
	KUNIT_ASSERT_NE(test, handle, 0ULL);

	kunit_device_unregister(test, dev);

	KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(adapters), 0L,
			    "the device's managed resources kept the adapter");
	at_unregister_left(test, handle, adapter, "device deleted");
	dxgkpm_kt_expect_idle(test);
}

/*
 * A registration that fails leaves nothing: no adapter, and no managed
 * resource on the device, whether registering failed (a NULL device, a
 * device already registered, an allocation of the adapter) or managing it
 * did (the devres allocation, after which the adapter is unregistered
 * again). Every allocation the call makes fails in turn, through fail-nth.
 */
static void dxgkpm_adapter_devm_fails_clean(struct kunit *test)
{
	struct device *dev = at_device(test);
	struct dxgkpm_adapter *first, *adapter;
	unsigned int nth, left, failures = 0;
	DXGKRNL_INTERFACE iface;
	void *group;
	u64 handle;

	KUNIT_EXPECT_EQ(test, PTR_ERR(devm_dxgkpm_register_adapter(NULL)),
			(long)-EINVAL);

	/* Registered already: refused, the first registration untouched. */
	first = dxgkpm_kt_register(test, dev);
	group = devres_open_group(dev, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, group);
	KUNIT_EXPECT_EQ(test, PTR_ERR(devm_dxgkpm_register_adapter(dev)),
			(long)-EBUSY);
	KUNIT_EXPECT_EQ_MSG(test, devres_release_group(dev, group), 0,
			    "a refused registration left a managed resource");
	KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adapters), 1L);
	memset(&iface, 0, sizeof(iface));
	iface.Size = sizeof(iface);
	iface.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
	KUNIT_EXPECT_EQ(test, dxgkpm_query_interface(first, &iface), 0);
	dxgkpm_kt_unregister_now(test, first);

	dxgkpm_failnth_arm(test);
	for (nth = 1; nth <= AT_MAX_NTH; nth++) {
		group = devres_open_group(dev, NULL, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, group);
		dxgkpm_failnth_start(nth);
		adapter = devm_dxgkpm_register_adapter(dev);
		left = dxgkpm_failnth_stop();
		if (IS_ERR(adapter)) {
			failures++;
			KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(adapter),
					    (long)-ENOMEM, "fail-nth %u", nth);
			KUNIT_EXPECT_EQ_MSG(test,
					    devres_release_group(dev, group), 0,
					    "fail-nth %u: a managed resource is left",
					    nth);
			KUNIT_EXPECT_EQ_MSG(test, DXGKPM_KT_STAT(adapters), 0L,
					    "fail-nth %u: an adapter is left",
					    nth);
			dxgkpm_kt_expect_idle(test);
			continue;
		}
		/*
		 * Registered (the failed allocation, if one was reached, was
		 * retried): one managed resource, whose release unregisters.
		 */
		KUNIT_EXPECT_EQ(test, DXGKPM_KT_STAT(adapters), 1L);
		memset(&iface, 0, sizeof(iface));
		iface.Size = sizeof(iface);
		iface.Version = DXGKDDI_INTERFACE_VERSION_WDDM2_9;
		KUNIT_ASSERT_EQ(test, dxgkpm_query_interface(adapter, &iface),
				0);
		handle = dxgkpm_handle_to_u64(iface.DeviceHandle);
		KUNIT_EXPECT_EQ_MSG(test, devres_release_group(dev, group), 1,
				    "fail-nth %u: managed resources", nth);
		at_unregister_left(test, handle, adapter, "group released");
		dxgkpm_kt_expect_idle(test);
		if (left)
			break;	/* every allocation got through */
	}
	KUNIT_EXPECT_LE_MSG(test, nth, AT_MAX_NTH,
			    "no registration got through");
	/* The adapter's own allocation and the managed resource's at least. */
	KUNIT_EXPECT_GE(test, failures, 2U);
}

static struct kunit_case dxgkpm_adapter_cases[] = {
	KUNIT_CASE_SLOW(dxgkpm_adapter_unregister_keeps_others),
	KUNIT_CASE(dxgkpm_adapter_devm_unregisters),
	KUNIT_CASE(dxgkpm_adapter_devm_fails_clean),
	{}
};

static struct kunit_suite dxgkpm_adapter_suite = {
	.name = "dxgkpm_adapter",
	.suite_init = dxgkpm_kt_suite_init,
	.init = dxgkpm_kt_init,
	.suite_exit = dxgkpm_kt_suite_exit,
	.test_cases = dxgkpm_adapter_cases,
};

kunit_test_suite(dxgkpm_adapter_suite);
