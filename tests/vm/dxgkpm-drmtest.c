// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dxgkpm-drmtest: the user-space tests of the sample DRM driver
 * (samples/drm_edu, module dxgkpm_drm_edu) and of the GEM helper under it,
 * with raw DRM ioctls (no libdrm). Buffer objects go both ways between the
 * sample and Debian's vgem by PRIME; on kernels that have them (the caller
 * says so), a udmabuf and a DMA-heap buffer are imported and written by the
 * edu's DMA; handles and dma-buf fds are closed in every order; a process
 * dies holding an export; dxgkpm cannot be unloaded while an export lives;
 * bad input is refused. Every test ends with dxgkpm holding nothing
 * (its debugfs statistics idle). Static, libc only.
 *
 * Usage: dxgkpm-drmtest [--udmabuf] [--dma-heap] | --hold
 * --udmabuf and --dma-heap say that the kernel has /dev/udmabuf and
 * /dev/dma_heap/system: their tests run, and a missing device fails them.
 * Without the options those tests are not run (and print no line).
 * --hold keeps an export open across the unload of the driver (see hold_export()).
 *
 * Output: "VMTEST: PASS <name>" or "VMTEST: FAIL <name>: <why>" per test.
 * Exit status: the number of failed tests (capped at 100).
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "../../samples/drm_edu/dxgkpm_drm_edu_uapi.h"
#include "vmtest.h"

static int failed;
static size_t page;
static char sample_node[300], vgem_node[300];

/* The driver name of a DRM node (DRM_IOCTL_VERSION). */
static int drm_name(int fd, char *name, size_t len)
{
	struct drm_version v = { .name = name, .name_len = len - 1 };

	memset(name, 0, len);
	return ioctl(fd, DRM_IOCTL_VERSION, &v);
}

/* The first node /dev/dri/PREFIX* of driver @driver. */
static int find_node(const char *prefix, const char *driver, char *out,
		     size_t len)
{
	DIR *d = opendir("/dev/dri");
	struct dirent *e;
	char path[300], name[64];
	int fd, found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!drm_name(fd, name, sizeof(name)) && !strcmp(name, driver)) {
			snprintf(out, len, "%s", path);
			found = 1;
		}
		close(fd);
	}
	closedir(d);
	return found;
}

static int open_node(const char *path)
{
	return open(path, O_RDWR | O_CLOEXEC);
}

/* 0 or errno. */
static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? errno : 0;
}

static int bo_create(int fd, uint64_t size, uint32_t cache, uint32_t type,
		     uint32_t *handle)
{
	struct drm_dxgkpm_edu_create c = {
		.size = size, .cache = cache, .type = type,
	};
	int err = xioctl(fd, DRM_IOCTL_DXGKPM_EDU_CREATE, &c);

	if (!err)
		*handle = c.handle;
	return err;
}

static int bo_copy(int fd, uint32_t src, uint64_t src_off, uint32_t dst,
		   uint64_t dst_off, uint64_t size)
{
	struct drm_dxgkpm_edu_copy c = {
		.src_handle = src, .dst_handle = dst,
		.src_offset = src_off, .dst_offset = dst_off, .size = size,
	};

	return xioctl(fd, DRM_IOCTL_DXGKPM_EDU_COPY, &c);
}

/* A CPU mapping of a sample buffer object, or NULL (errno set). */
static void *bo_map(int fd, uint32_t handle, size_t size)
{
	struct drm_dxgkpm_edu_mmap_offset m = { .handle = handle };
	void *p;

	if (ioctl(fd, DRM_IOCTL_DXGKPM_EDU_MMAP_OFFSET, &m))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	return p == MAP_FAILED ? NULL : p;
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return xioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static int prime_export(int fd, uint32_t handle, int *dmabuf)
{
	struct drm_prime_handle p = {
		.handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};
	int err = xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);

	if (!err)
		*dmabuf = p.fd;
	return err;
}

static int prime_import(int fd, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle p = { .fd = dmabuf };
	int err = xioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);

	if (!err)
		*handle = p.handle;
	return err;
}

static void *map_fd(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* CPU access to a dma-buf mapping, bracketed as the dma-buf ABI asks. */
static void dmabuf_sync(int fd, int end)
{
	struct dma_buf_sync s = {
		.flags = DMA_BUF_SYNC_RW |
			 (end ? DMA_BUF_SYNC_END : DMA_BUF_SYNC_START),
	};

	ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

static void fill(void *p, size_t len, uint32_t seed)
{
	uint32_t *w = p;
	size_t i;

	for (i = 0; i < len / 4; i++)
		w[i] = seed ^ (uint32_t)(i * 2654435761u);
}

/* Offset of the first word that differs from fill(seed), or -1. */
static long mismatch(const void *p, size_t len, uint32_t seed)
{
	const uint32_t *w = p;
	size_t i;

	for (i = 0; i < len / 4; i++)
		if (w[i] != (seed ^ (uint32_t)(i * 2654435761u)))
			return (long)(i * 4);
	return -1;
}

/*
 * dxgkpm holds nothing but adapters and their handles (as
 * dxgkpm_stats_idle() says); 0 or -1 with the first busy counter in @why.
 */
static int stats_idle(void)
{
	FILE *f = fopen("/sys/kernel/debug/dxgkpm/stats", "r");
	long v, adapters = stat_value("adapters");
	char key[64];
	int ret = 0;

	if (!f)
		return failf("no dxgkpm stats: %s", strerror(errno));
	while (!ret && fscanf(f, "%63s %ld", key, &v) == 2)
		if (strcmp(key, "adapters") &&
		    v != (strcmp(key, "handles") ? 0 : adapters))
			ret = failf("dxgkpm still holds %s %ld", key, v);
	fclose(f);
	return ret;
}

/* vgem: a dumb buffer of @size bytes (a multiple of 4 KiB) on its card node. */
static int vgem_dumb(int vfd, size_t size, uint32_t *handle, void **map)
{
	struct drm_mode_create_dumb c = {
		.width = 1024, .height = size / 4096, .bpp = 32,
	};
	struct drm_mode_map_dumb m = {};
	int err = xioctl(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &c);

	if (err)
		return err;
	*handle = c.handle;
	m.handle = c.handle;
	err = xioctl(vfd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	if (err)
		return err;
	*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd,
		    m.offset);
	return *map == MAP_FAILED ? errno : 0;
}

/* Every test uses objects of this many pages; the copies move them all. */
#define PAGES 2

/* The sample file and vgem's card node, open for every test. */
static int sfd = -1, vfd = -1;

/*
 * Two objects of @cache and @type: A filled through mmap, copied to B by
 * the edu, B read through its mmap.
 */
static int copy_test(uint32_t cache, uint32_t type)
{
	const size_t size = PAGES * page;
	uint32_t a, b;
	void *pa, *pb;
	long bad;
	int err;

	err = bo_create(sfd, size, cache, type, &a);
	if (!err)
		err = bo_create(sfd, size, cache, type, &b);
	if (err)
		return failf("create: %s", strerror(err));
	pa = bo_map(sfd, a, size);
	pb = bo_map(sfd, b, size);
	if (!pa || !pb)
		return failf("mmap: %s", strerror(errno));
	fill(pa, size, 0x1000 + cache);
	err = bo_copy(sfd, a, 0, b, 0, size);
	if (err)
		return failf("copy: %s", strerror(err));
	bad = mismatch(pb, size, 0x1000 + cache);
	if (bad >= 0)
		return failf("B differs at byte %ld of %zu", bad, size);
	munmap(pa, size);
	munmap(pb, size);
	gem_close(sfd, a);
	gem_close(sfd, b);
	return stats_idle();
}

static int copy_uncached(void)
{
	return copy_test(DXGKPM_EDU_CACHE_UNCACHED, DXGKPM_EDU_MEM_MDL);
}

static int copy_cached(void)
{
	return copy_test(DXGKPM_EDU_CACHE_CACHED, DXGKPM_EDU_MEM_MDL);
}

static int copy_wc(void)
{
	return copy_test(DXGKPM_EDU_CACHE_WC, DXGKPM_EDU_MEM_MDL);
}

static int copy_contiguous(void)
{
	return copy_test(DXGKPM_EDU_CACHE_WC, DXGKPM_EDU_MEM_CONTIGUOUS);
}

/*
 * A sample object of @cache, filled through mmap, exported and imported
 * into vgem. DRM refuses DRM_IOCTL_MODE_MAP_DUMB of an imported object
 * (drm_gem_dumb_map_offset()), so vgem's side is read through the buffer
 * vgem hands back for its handle: it must be the very dma-buf, and its
 * mmap must show the bytes.
 */
static int prime_to_vgem(uint32_t cache)
{
	const size_t size = PAGES * page;
	struct drm_mode_map_dumb m = {};
	struct stat s1, s2;
	uint32_t a, v;
	int buf, back, err;
	void *pa, *pv;
	long bad;

	err = bo_create(sfd, size, cache, DXGKPM_EDU_MEM_MDL, &a);
	if (err)
		return failf("create: %s", strerror(err));
	pa = bo_map(sfd, a, size);
	if (!pa)
		return failf("mmap: %s", strerror(errno));
	fill(pa, size, 0x2000 + cache);
	err = prime_export(sfd, a, &buf);
	if (err)
		return failf("export: %s", strerror(err));
	err = prime_import(vfd, buf, &v);
	if (err)
		return failf("vgem import: %s", strerror(err));
	m.handle = v;
	if (!xioctl(vfd, DRM_IOCTL_MODE_MAP_DUMB, &m)) {
		pv = mmap(NULL, size, PROT_READ, MAP_SHARED, vfd, m.offset);
		if (pv == MAP_FAILED)
			return failf("vgem mmap: %s", strerror(errno));
		back = -1;
	} else {
		err = prime_export(vfd, v, &back);
		if (err)
			return failf("vgem export: %s", strerror(err));
		if (fstat(buf, &s1) || fstat(back, &s2) || s1.st_ino != s2.st_ino)
			return failf("vgem handed back another buffer");
		pv = map_fd(back, size);
		if (!pv)
			return failf("mmap of vgem's buffer: %s", strerror(errno));
		dmabuf_sync(back, 0);
	}
	bad = mismatch(pv, size, 0x2000 + cache);
	if (bad >= 0)
		return failf("vgem's view differs at byte %ld", bad);
	if (back >= 0) {
		dmabuf_sync(back, 1);
		close(back);
	}
	munmap(pv, size);
	munmap(pa, size);
	gem_close(vfd, v);
	close(buf);
	gem_close(sfd, a);
	return stats_idle();
}

static int prime_to_vgem_uncached(void)
{
	return prime_to_vgem(DXGKPM_EDU_CACHE_UNCACHED);
}

static int prime_to_vgem_cached(void)
{
	return prime_to_vgem(DXGKPM_EDU_CACHE_CACHED);
}

static int prime_to_vgem_wc(void)
{
	return prime_to_vgem(DXGKPM_EDU_CACHE_WC);
}

/*
 * Another exporter's @buf (@size bytes, CPU view @view) imported into the
 * sample: the edu writes it from a filled object, and reads it back into
 * a second one after the CPU changed it; the sample's own mmap of the
 * imported object sees the exporter's bytes. @buf stays the caller's.
 */
static int import_and_copy(int buf, void *view, size_t size, uint32_t seed)
{
	uint32_t a, b, imp;
	void *pa, *pb, *pi;
	long bad;
	int err;

	err = prime_import(sfd, buf, &imp);
	if (err)
		return failf("import: %s", strerror(err));
	err = bo_create(sfd, size, DXGKPM_EDU_CACHE_CACHED, DXGKPM_EDU_MEM_MDL,
			&a);
	if (!err)
		err = bo_create(sfd, size, DXGKPM_EDU_CACHE_WC,
				DXGKPM_EDU_MEM_MDL, &b);
	if (err)
		return failf("create: %s", strerror(err));
	pa = bo_map(sfd, a, size);
	pb = bo_map(sfd, b, size);
	if (!pa || !pb)
		return failf("mmap: %s", strerror(errno));
	fill(pa, size, seed);
	err = bo_copy(sfd, a, 0, imp, 0, size);
	if (err)
		return failf("copy into the import: %s", strerror(err));
	dmabuf_sync(buf, 0);
	bad = mismatch(view, size, seed);
	if (bad >= 0)
		return failf("the exporter's view differs at byte %ld", bad);
	fill(view, size, seed + 1);
	dmabuf_sync(buf, 1);
	err = bo_copy(sfd, imp, 0, b, 0, size);
	if (err)
		return failf("copy from the import: %s", strerror(err));
	bad = mismatch(pb, size, seed + 1);
	if (bad >= 0)
		return failf("copied back, differs at byte %ld", bad);
	pi = bo_map(sfd, imp, size);
	if (!pi)
		return failf("mmap of the import: %s", strerror(errno));
	bad = mismatch(pi, size, seed + 1);
	if (bad >= 0)
		return failf("the import's mmap differs at byte %ld", bad);
	munmap(pi, size);
	munmap(pa, size);
	munmap(pb, size);
	gem_close(sfd, imp);
	gem_close(sfd, a);
	gem_close(sfd, b);
	return 0;
}

/* A vgem dumb buffer imported into the sample, read through vgem's mmap. */
static int import_vgem(void)
{
	const size_t size = PAGES * page;
	uint32_t v;
	void *pv;
	int buf, err;

	err = vgem_dumb(vfd, size, &v, &pv);
	if (err)
		return failf("vgem dumb buffer: %s", strerror(err));
	err = prime_export(vfd, v, &buf);
	if (err)
		return failf("vgem export: %s", strerror(err));
	if (import_and_copy(buf, pv, size, 0x3000))
		return -1;
	munmap(pv, size);
	close(buf);
	gem_close(vfd, v);
	return stats_idle();
}

/* A udmabuf of a sealed memfd, checked through the memfd's own mapping. */
static int import_udmabuf(void)
{
	const size_t size = PAGES * page;
	struct udmabuf_create c = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
	int memfd, dev, buf;
	void *p;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return failf("/dev/udmabuf: %s", strerror(errno));
	memfd = memfd_create("dxgkpm-drmtest", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, size) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		return failf("memfd: %s", strerror(errno));
	c.memfd = memfd;
	buf = ioctl(dev, UDMABUF_CREATE, &c);
	if (buf < 0)
		return failf("UDMABUF_CREATE: %s", strerror(errno));
	p = map_fd(memfd, size);
	if (!p)
		return failf("memfd mmap: %s", strerror(errno));
	if (import_and_copy(buf, p, size, 0x4000))
		return -1;
	munmap(p, size);
	close(buf);
	close(memfd);
	close(dev);
	return stats_idle();
}

/* A buffer of the system DMA heap, checked through its own mmap. */
static int import_dma_heap(void)
{
	const size_t size = PAGES * page;
	struct dma_heap_allocation_data a = {
		.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;
	void *p;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return failf("/dev/dma_heap/system: %s", strerror(errno));
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a))
		return failf("DMA_HEAP_IOCTL_ALLOC: %s", strerror(errno));
	p = map_fd(a.fd, size);
	if (!p)
		return failf("heap buffer mmap: %s", strerror(errno));
	if (import_and_copy(a.fd, p, size, 0x5000))
		return -1;
	munmap(p, size);
	close(a.fd);
	close(heap);
	return stats_idle();
}

/* A filled sample object and its export. */
static int exported(uint32_t cache, uint32_t seed, uint32_t *h, int *buf)
{
	const size_t size = PAGES * page;
	void *p;
	int err;

	err = bo_create(sfd, size, cache, DXGKPM_EDU_MEM_MDL, h);
	if (err)
		return failf("create: %s", strerror(err));
	p = bo_map(sfd, *h, size);
	if (!p)
		return failf("mmap: %s", strerror(errno));
	fill(p, size, seed);
	munmap(p, size);
	err = prime_export(sfd, *h, buf);
	if (err)
		return failf("export: %s", strerror(err));
	return 0;
}

/* The bytes of a dma-buf, through its mmap. */
static int check_dmabuf(int buf, uint32_t seed, const char *what)
{
	const size_t size = PAGES * page;
	void *p = map_fd(buf, size);
	long bad;

	if (!p)
		return failf("%s: mmap: %s", what, strerror(errno));
	dmabuf_sync(buf, 0);
	bad = mismatch(p, size, seed);
	dmabuf_sync(buf, 1);
	munmap(p, size);
	return bad >= 0 ? failf("%s: differs at byte %ld", what, bad) : 0;
}

/* The bytes of a sample object, through its mmap. */
static int check_bo(int fd, uint32_t h, uint32_t seed, const char *what)
{
	const size_t size = PAGES * page;
	void *p = bo_map(fd, h, size);
	long bad;

	if (!p)
		return failf("%s: mmap: %s", what, strerror(errno));
	bad = mismatch(p, size, seed);
	munmap(p, size);
	return bad >= 0 ? failf("%s: differs at byte %ld", what, bad) : 0;
}

/* Export, close the GEM handle, then the dma-buf is all there is. */
static int close_handle_first(void)
{
	uint32_t h;
	int buf;

	if (exported(DXGKPM_EDU_CACHE_WC, 0x6000, &h, &buf))
		return -1;
	if (gem_close(sfd, h))
		return failf("GEM_CLOSE failed");
	if (check_dmabuf(buf, 0x6000, "after the handle closed"))
		return -1;
	if (stat_value("exports") != 1)
		return failf("%ld exports, 1 expected", stat_value("exports"));
	close(buf);
	return stats_idle();
}

/* Export, close the dma-buf, the object is still whole and exports again. */
static int close_fd_first(void)
{
	uint32_t h;
	int buf;

	if (exported(DXGKPM_EDU_CACHE_UNCACHED, 0x7000, &h, &buf))
		return -1;
	close(buf);
	if (check_bo(sfd, h, 0x7000, "after the fd closed"))
		return -1;
	if (prime_export(sfd, h, &buf))
		return failf("second export: %s", strerror(errno));
	if (check_dmabuf(buf, 0x7000, "second export"))
		return -1;
	close(buf);
	gem_close(sfd, h);
	return stats_idle();
}

/*
 * Export, import into vgem and into a second file of the sample; the
 * importers close first, then the exporter still has its bytes.
 */
static int close_importers_first(void)
{
	uint32_t h, v, imp, b;
	int buf, fd2, err;

	fd2 = open_node(sample_node);
	if (fd2 < 0)
		return failf("second open: %s", strerror(errno));
	if (exported(DXGKPM_EDU_CACHE_CACHED, 0x8000, &h, &buf))
		return -1;
	err = prime_import(vfd, buf, &v);
	if (!err)
		err = prime_import(fd2, buf, &imp);
	if (err)
		return failf("import: %s", strerror(err));
	err = bo_create(fd2, PAGES * page, DXGKPM_EDU_CACHE_CACHED,
			DXGKPM_EDU_MEM_MDL, &b);
	if (!err)
		err = bo_copy(fd2, imp, 0, b, 0, PAGES * page);
	if (err)
		return failf("copy in the importer: %s", strerror(err));
	if (check_bo(fd2, b, 0x8000, "the importer's copy"))
		return -1;
	gem_close(vfd, v);
	close(fd2);
	if (check_dmabuf(buf, 0x8000, "after the importers closed") ||
	    check_bo(sfd, h, 0x8000, "the exporter's object"))
		return -1;
	close(buf);
	gem_close(sfd, h);
	return stats_idle();
}

/*
 * Export, import into vgem and a second sample file; the exporter closes
 * its handle and fd first, the importers still read the bytes.
 */
static int close_exporter_first(void)
{
	uint32_t h, v, imp, b;
	int buf, fd2, back, err;

	fd2 = open_node(sample_node);
	if (fd2 < 0)
		return failf("second open: %s", strerror(errno));
	if (exported(DXGKPM_EDU_CACHE_WC, 0x9000, &h, &buf))
		return -1;
	err = prime_import(vfd, buf, &v);
	if (!err)
		err = prime_import(fd2, buf, &imp);
	if (err)
		return failf("import: %s", strerror(err));
	gem_close(sfd, h);
	close(buf);
	err = bo_create(fd2, PAGES * page, DXGKPM_EDU_CACHE_CACHED,
			DXGKPM_EDU_MEM_MDL, &b);
	if (!err)
		err = bo_copy(fd2, imp, 0, b, 0, PAGES * page);
	if (err)
		return failf("copy in the importer: %s", strerror(err));
	if (check_bo(fd2, b, 0x9000, "the importer's copy") ||
	    check_bo(fd2, imp, 0x9000, "the importer's mmap"))
		return -1;
	err = prime_export(vfd, v, &back);
	if (err)
		return failf("vgem export: %s", strerror(err));
	if (check_dmabuf(back, 0x9000, "through vgem"))
		return -1;
	close(back);
	close(fd2);
	gem_close(vfd, v);
	return stats_idle();
}

/* A process exits holding an object, its export and vgem's import. */
static int child_exits(void)
{
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return failf("fork: %s", strerror(errno));
	if (!pid) {
		uint32_t h, v;
		int buf;

		sfd = open_node(sample_node);
		vfd = open_node(vgem_node);
		if (sfd < 0 || vfd < 0 ||
		    exported(DXGKPM_EDU_CACHE_WC, 0xa000, &h, &buf) ||
		    prime_import(vfd, buf, &v) || !bo_map(sfd, h, page))
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return failf("the child failed (status %#x)", status);
	/* Its files were released before it was reaped; allow a moment. */
	for (i = 0; i < 20 && stats_idle(); i++)
		usleep(100000);
	return stats_idle();
}

/* dxgkpm.ko cannot go while a dma-buf of its memory is open. */
static int rmmod_refused(void)
{
	uint32_t h;
	int buf, ret, err;

	if (exported(DXGKPM_EDU_CACHE_CACHED, 0xb000, &h, &buf))
		return -1;
	gem_close(sfd, h);
	ret = syscall(SYS_delete_module, "dxgkpm", O_NONBLOCK);
	err = errno;
	if (!ret)
		return failf("dxgkpm was unloaded under a live export");
	if (err != EWOULDBLOCK && err != EBUSY)
		return failf("delete_module: %s, EWOULDBLOCK or EBUSY expected",
			     strerror(err));
	if (check_dmabuf(buf, 0xb000, "after the refusal"))
		return -1;
	close(buf);
	return stats_idle();
}

/* Handles of another file, of nothing, of vgem: ENOENT. */
static int bad_handle(void)
{
	struct drm_dxgkpm_edu_mmap_offset m = {};
	uint32_t a, b;
	int fd2, err;

	fd2 = open_node(sample_node);
	if (fd2 < 0)
		return failf("second open: %s", strerror(errno));
	err = bo_create(sfd, page, DXGKPM_EDU_CACHE_CACHED, DXGKPM_EDU_MEM_MDL,
			&a);
	if (!err)
		err = bo_create(sfd, page, DXGKPM_EDU_CACHE_CACHED,
				DXGKPM_EDU_MEM_MDL, &b);
	if (err)
		return failf("create: %s", strerror(err));
	err = bo_copy(fd2, a, 0, b, 0, page);
	if (err != ENOENT)
		return failf("copy with another file's handles: %s",
			     strerror(err));
	m.handle = a;
	err = xioctl(fd2, DRM_IOCTL_DXGKPM_EDU_MMAP_OFFSET, &m);
	if (err != ENOENT)
		return failf("mmap offset of another file's handle: %s",
			     strerror(err));
	err = bo_copy(sfd, a, 0, 0x7fffffff, 0, page);
	if (err != ENOENT)
		return failf("copy to no handle: %s", strerror(err));
	close(fd2);
	gem_close(sfd, a);
	gem_close(sfd, b);
	return stats_idle();
}

/* Out-of-range, empty, unaligned and overflowing copies: EINVAL. */
static int bad_range(void)
{
	const uint64_t size = PAGES * page;
	static const struct {
		uint64_t src, dst, size;
	} bad[] = {
		{ 0, 0, 0 },				/* empty */
		{ 0, 0, 3 * 4096 },			/* larger than both */
		{ 4096, 0, 2 * 4096 },			/* source end */
		{ 0, 4096, 2 * 4096 },			/* destination end */
		{ 2 * 4096, 0, 4096 },			/* source start */
		{ 0, 0, 100 },				/* unaligned size */
		{ 8, 0, 4096 },				/* unaligned offset */
		{ 0, 8, 4096 },
		{ UINT64_MAX - 4095, 0, 4096 },		/* offset + size wraps */
		{ 4096, 0, UINT64_MAX - 4095 },		/* size wraps */
	};
	struct drm_dxgkpm_edu_mmap_offset m = { .pad = 1 };
	uint32_t a, b;
	unsigned int i;
	int err;

	err = bo_create(sfd, size, DXGKPM_EDU_CACHE_CACHED, DXGKPM_EDU_MEM_MDL,
			&a);
	if (!err)
		err = bo_create(sfd, size, DXGKPM_EDU_CACHE_CACHED,
				DXGKPM_EDU_MEM_MDL, &b);
	if (err)
		return failf("create: %s", strerror(err));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err = bo_copy(sfd, a, bad[i].src, b, bad[i].dst, bad[i].size);
		if (err != EINVAL)
			return failf("copy %#llx -> %#llx, %#llx bytes: %s",
				     (unsigned long long)bad[i].src,
				     (unsigned long long)bad[i].dst,
				     (unsigned long long)bad[i].size,
				     err ? strerror(err) : "done");
	}
	m.handle = a;
	err = xioctl(sfd, DRM_IOCTL_DXGKPM_EDU_MMAP_OFFSET, &m);
	if (err != EINVAL)
		return failf("mmap offset with padding: %s",
			     err ? strerror(err) : "done");
	gem_close(sfd, a);
	gem_close(sfd, b);
	return stats_idle();
}

/* mmap of more than the object, or past its end: refused. */
static int bad_mmap(void)
{
	const size_t size = PAGES * page;
	struct drm_dxgkpm_edu_mmap_offset m = {};
	uint32_t a;
	void *p;
	int buf, err;

	err = bo_create(sfd, size, DXGKPM_EDU_CACHE_WC, DXGKPM_EDU_MEM_MDL, &a);
	if (err)
		return failf("create: %s", strerror(err));
	m.handle = a;
	err = xioctl(sfd, DRM_IOCTL_DXGKPM_EDU_MMAP_OFFSET, &m);
	if (err)
		return failf("mmap offset: %s", strerror(err));
	p = mmap(NULL, size + page, PROT_READ, MAP_SHARED, sfd, m.offset);
	if (p != MAP_FAILED)
		return failf("an mmap one page larger than the object worked");
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, sfd, m.offset + size);
	if (p != MAP_FAILED)
		return failf("an mmap past the object's end worked");
	err = prime_export(sfd, a, &buf);
	if (err)
		return failf("export: %s", strerror(err));
	p = mmap(NULL, size + page, PROT_READ, MAP_SHARED, buf, 0);
	if (p != MAP_FAILED)
		return failf("a dma-buf mmap one page larger than it worked");
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, buf, size);
	if (p != MAP_FAILED)
		return failf("a dma-buf mmap past its end worked");
	close(buf);
	gem_close(sfd, a);
	return stats_idle();
}

/* PRIME import of something that is no dma-buf: refused, nothing made. */
static int bad_import(void)
{
	uint32_t h;
	int memfd, err;

	memfd = memfd_create("dxgkpm-drmtest", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, page))
		return failf("memfd: %s", strerror(errno));
	err = prime_import(sfd, memfd, &h);
	if (!err)
		return failf("a memfd was imported as a dma-buf");
	close(memfd);
	err = prime_import(sfd, -1, &h);
	if (!err)
		return failf("fd -1 was imported");
	return stats_idle();
}

/* CREATE with a bad cache type, memory type, size, window or padding. */
static int bad_create(void)
{
	static const struct drm_dxgkpm_edu_create bad[] = {
		{ .size = 4096, .cache = 3 },
		{ .size = 4096, .cache = 0xffffffff },
		{ .size = 4096, .type = 2 },		/* section */
		{ .size = 4096, .type = 3 },		/* IO space */
		{ .size = 4096, .pad = 1 },
		{ .size = 0 },
		{ .size = 4096, .low = 1 << 20, .high = 1 << 19 },
	};
	struct drm_dxgkpm_edu_create c;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c = bad[i];
		err = xioctl(sfd, DRM_IOCTL_DXGKPM_EDU_CREATE, &c);
		if (err != EINVAL)
			return failf("create #%u (cache %u type %u pad %u size %llu): %s",
				     i, c.cache, c.type, c.pad,
				     (unsigned long long)c.size,
				     err ? strerror(err) : "done");
	}
	return stats_idle();
}

struct test {
	const char *name;
	int (*run)(void);
	int needs;
};

#define NEEDS_UDMABUF	1
#define NEEDS_DMA_HEAP	2

static const struct test tests[] = {
	{ "drm-copy-uncached", copy_uncached, 0 },
	{ "drm-copy-cached", copy_cached, 0 },
	{ "drm-copy-write-combined", copy_wc, 0 },
	{ "drm-copy-contiguous", copy_contiguous, 0 },
	{ "drm-prime-to-vgem-uncached", prime_to_vgem_uncached, 0 },
	{ "drm-prime-to-vgem-cached", prime_to_vgem_cached, 0 },
	{ "drm-prime-to-vgem-write-combined", prime_to_vgem_wc, 0 },
	{ "drm-import-vgem-copy", import_vgem, 0 },
	{ "drm-import-udmabuf-copy", import_udmabuf, NEEDS_UDMABUF },
	{ "drm-import-dma-heap-copy", import_dma_heap, NEEDS_DMA_HEAP },
	{ "drm-close-handle-before-fd", close_handle_first, 0 },
	{ "drm-close-fd-before-handle", close_fd_first, 0 },
	{ "drm-close-importers-first", close_importers_first, 0 },
	{ "drm-close-exporter-first", close_exporter_first, 0 },
	{ "drm-child-exits-with-export", child_exits, 0 },
	{ "drm-rmmod-refused-while-exported", rmmod_refused, 0 },
	{ "drm-bad-handle", bad_handle, 0 },
	{ "drm-bad-copy-range", bad_range, 0 },
	{ "drm-bad-mmap", bad_mmap, 0 },
	{ "drm-bad-import", bad_import, 0 },
	{ "drm-bad-create", bad_create, 0 },
};

/*
 * Each test in a child of its own, so that a crash or a test that leaves
 * its files open does not spoil the next one; it runs only if dxgkpm holds
 * nothing.
 */
static void run_test(const struct test *t)
{
	int status, ret;
	pid_t pid;

	fflush(stdout);
	if (results)
		fflush(results);
	pid = fork();
	if (pid < 0) {
		result("VMTEST: FAIL %s: fork: %s\n", t->name, strerror(errno));
		failed++;
		return;
	}
	if (!pid) {
		/* Every test starts from a verified empty state. */
		if (stats_idle()) {
			result("VMTEST: FAIL %s: not run, %s\n", t->name, why);
			_exit(1);
		}
		sfd = open_node(sample_node);
		vfd = open_node(vgem_node);
		if (sfd < 0 || vfd < 0)
			ret = failf("cannot open %s or %s: %s", sample_node,
				    vgem_node, strerror(errno));
		else
			ret = t->run();
		if (ret)
			result("VMTEST: FAIL %s: %s\n", t->name, why);
		else
			result("VMTEST: PASS %s\n", t->name);
		_exit(ret ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		result("VMTEST: FAIL %s: died (status %#x)\n", t->name, status);
		failed++;
	} else if (WEXITSTATUS(status)) {
		failed++;
	}
	/* What a failed test left is gone with its process. */
}

/*
 * --hold: an export that outlives the driver. Export a filled object,
 * close the handle and the DRM file, keep the dma-buf and a mapping of it,
 * say "holding" and wait for the end of standard input (init.sh unloads
 * the sample, the helper and vgem meanwhile, and checks that dxgkpm stays).
 * Then the bytes must still be right through the old mapping and a new
 * one. Exit status 0 if they are.
 */
static int hold_export(void)
{
	const size_t size = PAGES * page;
	char c;
	void *p;
	long bad;
	uint32_t h;
	int buf;

	sfd = open_node(sample_node);
	if (sfd < 0 || exported(DXGKPM_EDU_CACHE_WC, 0xc000, &h, &buf)) {
		fprintf(stderr, "--hold: %s\n", sfd < 0 ? strerror(errno) : why);
		return 1;
	}
	p = map_fd(buf, size);
	if (!p) {
		fprintf(stderr, "--hold: mmap: %s\n", strerror(errno));
		return 1;
	}
	gem_close(sfd, h);
	close(sfd);
	printf("holding\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	bad = mismatch(p, size, 0xc000);
	if (bad >= 0) {
		fprintf(stderr, "--hold: the old mapping differs at byte %ld\n", bad);
		return 1;
	}
	munmap(p, size);
	if (check_dmabuf(buf, 0xc000, "--hold: a new mapping")) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	close(buf);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "udmabuf", no_argument, NULL, 'u' },
		{ "dma-heap", no_argument, NULL, 'h' },
		{ "hold", no_argument, NULL, 'H' },
		{ }
	};
	int opt, have = 0, holder = 0;
	unsigned int i;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'u') {
			have |= NEEDS_UDMABUF;
		} else if (opt == 'h') {
			have |= NEEDS_DMA_HEAP;
		} else if (opt == 'H') {
			holder = 1;
		} else {
			fprintf(stderr, "usage: %s [--udmabuf] [--dma-heap] | --hold\n",
				argv[0]);
			return 100;
		}
	}
	if (getenv("VMTEST_RESULTS_FD"))
		results = fdopen(dup(atoi(getenv("VMTEST_RESULTS_FD"))), "w");
	page = sysconf(_SC_PAGESIZE);
	if (page != 4096) {
		fprintf(stderr, "the tests assume 4 KiB pages\n");
		return 100;
	}
	if (!find_node("renderD", "dxgkpm_drm_edu", sample_node,
		       sizeof(sample_node)) ||
	    !find_node("card", "vgem", vgem_node, sizeof(vgem_node)))
		fprintf(stderr,
			"dxgkpm-drmtest: no sample render node (%s) or vgem card node (%s)\n",
			sample_node, vgem_node);
	else
		printf("dxgkpm-drmtest: sample %s, vgem %s\n", sample_node,
		       vgem_node);
	if (holder)
		return hold_export();
	/* A test that does not apply is not run: the expected lists say what must. */
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		if ((tests[i].needs & have) == tests[i].needs)
			run_test(&tests[i]);
	return failed > 100 ? 100 : failed;
}
