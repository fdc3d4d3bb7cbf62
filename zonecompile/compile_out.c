/* Finishing a compiled zone: the hash table over the table nodes, the
 * NSEC name index or NSEC3 hash index, the zone header; and writing
 * compiled zones as a table file. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dns/err.h"
#include "zonecompile/compile_out.h"

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Where the first zone's header goes in a file of n zones. */
static size_t first_zone_off(size_t n)
{
	return align8(align8(sizeof(struct zwt_file)) + 8 * n);
}

/* The blob's offset in a one-zone file: known before the blob is. */
size_t cc_blob_file_off(const struct cc *cc)
{
	return first_zone_off(1) + align8(sizeof(struct zwt_zone)) +
	       cc->blob_base;
}

/* Blob refs count 4-octet units in 32 bits; the index and names follow. */
#define BLOB_MAX ((size_t)16 << 30)
#define AFTER_BLOB ((size_t)16 << 30)

/* Reserve (address space only) the image of a one-zone file and build
 * the blob at its offset in it, so that writing it needs neither a copy
 * of the blob nor fresh zeroed pages for one. Without the reservation
 * the blob grows on the heap and is copied, as for several zones. */
void cc_blob_reserve(struct cc *cc)
{
	size_t pre = cc_blob_file_off(cc);
	size_t size = pre + BLOB_MAX + AFTER_BLOB;
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	cc->region = p;
	cc->region_size = size;
	cz_buf_free(&cc->blob);
	cc->blob = (struct cz_buf){.p = cc->region + pre, .cap = BLOB_MAX,
				   .fixed = true};
}

void cc_hash_prepare(struct cc *cc)
{
	size_t n = 0;
	for (size_t i = 0; i < cc->cz.n; i++)
		if ((cc->cz.nf[i] & CZ_INHASH) || cz_below_node(&cc->cz, i))
			n++;
	size_t slots = 16;
	while (slots * 7 < n * 10) /* load <= 0.7 */
		slots *= 2;
	cc->hash_slots = slots;
	cc->blob_base = slots * 8;
}

void cc_hash_put(struct cc *cc, uint64_t *s, const size_t *idx,
		 const uint32_t *ref, size_t n)
{
	uint64_t mask = cc->hash_slots - 1, h[CC_HASH_AHEAD];
	for (size_t k = 0; k < n; k++) {
		const uint8_t *nm = cz_lname(&cc->cz, idx[k]);
		h[k] = zwt_hash(cc->cz.seed, nm, zw_name_len(nm));
		__builtin_prefetch(&s[h[k] & mask], 1);
	}
	for (size_t k = 0; k < n; k++) {
		uint64_t j = h[k] & mask;
		while (s[j])
			j = (j + 1) & mask;
		uint8_t hint = cc->node_hint ? cc->node_hint[idx[k]] : 0;
		s[j] = ZWT_SLOT_MAKE(h[k], hint, ref[k]);
	}
}

int cc_hash_fill(struct cc *cc)
{
	uint64_t *s = cz_buf_append(&cc->hash, NULL, cc->hash_slots * 8);
	size_t idx[CC_HASH_AHEAD];
	uint32_t ref[CC_HASH_AHEAD];
	if (!s)
		return ZW_ENOMEM;
	for (size_t i = 0; i < cc->cz.n;) {
		size_t n = 0;
		for (; i < cc->cz.n && n < CC_HASH_AHEAD; i++) {
			if (!cc->node_ref[i])
				continue;
			ref[n] = cc->node_ref[i];
			idx[n++] = i;
		}
		cc_hash_put(cc, s, idx, ref, n);
	}
	return 0;
}

static bool in_nsec_chain(const struct cz *c, size_t i)
{
	uint16_t f = c->nf[i];
	return (f & CZ_VISIBLE) && !(f & (CZ_NONAUTH | CZ_ENT)) &&
	       (f & CZ_HASNSEC);
}

static int nsec_index(struct cc *cc)
{
	const struct cz *c = &cc->cz;
	for (size_t i = 0; i < c->n; i++) {
		if (!in_nsec_chain(c, i))
			continue;
		const struct zw_node *n = zw_zone_node(c->zone, i);
		struct zwt_nsec_ent e = {0};
		size_t rel = n->lflen - c->apex_lflen;
		uint8_t kb[8] = {0};
		memcpy(kb, n->lf + c->apex_lflen, rel < 8 ? rel : 8);
		uint64_t k;
		memcpy(&k, kb, 8);
		e.key = __builtin_bswap64(k);
		e.lf_off = (uint32_t)cc->lf.len;
		e.lflen = (uint16_t)rel;
		e.piece = cc_proof_piece(cc, (long)i);
		if (!e.piece || cc->lf.len > UINT32_MAX - rel)
			return ZW_ENOMEM;
		cz_buf_append(&cc->lf, n->lf + c->apex_lflen, rel);
		cz_buf_append(&cc->index, &e, sizeof(e));
	}
	return cc->index.failed || cc->lf.failed ? ZW_ENOMEM : 0;
}

static int nsec3_index(struct cc *cc)
{
	const struct cz *c = &cc->cz;
	for (size_t k = 0; k < c->nn3; k++) {
		struct zwt_nsec3_ent e = {0};
		uint64_t v;
		memcpy(&v, c->n3hash[k], 8);
		e.key = __builtin_bswap64(v);
		memcpy(e.rest, c->n3hash[k] + 8, 12);
		e.piece = cc_proof_piece(cc, (long)c->n3sorted[k]);
		if (!e.piece)
			return ZW_ENOMEM;
		cz_buf_append(&cc->index, &e, sizeof(e));
	}
	return cc->index.failed ? ZW_ENOMEM : 0;
}

int cc_index(struct cc *cc)
{
	if (cc->cz.denial == ZWT_DENIAL_NSEC)
		return nsec_index(cc);
	if (cc->cz.denial == ZWT_DENIAL_NSEC3)
		return nsec3_index(cc);
	return 0;
}

void cc_header(struct cc *cc)
{
	struct zwt_zone *h = &cc->hdr;
	const struct cz *c = &cc->cz;
	const uint8_t *origin = cz_lname(c, 0);

	memset(h, 0, sizeof(*h));
	h->origin_len = (uint8_t)zw_name_len(origin);
	memcpy(h->origin, origin, h->origin_len);
	h->origin_labels = (uint8_t)zw_name_labels(origin);
	h->denial = (uint8_t)c->denial;
	h->nsec3_alg = 1;
	h->nsec3_iter = c->iter;
	h->nsec3_saltlen = c->saltlen;
	memcpy(h->nsec3_salt, c->salt, c->saltlen);
	h->flags = (c->optout ? ZWT_Z_OPTOUT : 0) |
		   (c->opts.minimal ? ZWT_Z_MINIMAL : 0);
	h->serial = zw_zone_serial(c->zone);
	h->min_expire = c->min_expire;
	h->max_inception = c->max_inception;
	h->hash_seed = c->seed;
	h->hash_bits = (uint32_t)__builtin_ctzll(cc->hash_slots);
	h->nnodes = (uint32_t)cc->nnodes;
	h->records = zw_zone_records(c->zone);
	h->hash_off = 0;
	h->hash_size = cc->hash.len;
	h->blob_off = cc->blob_base;
	h->blob_size = cc->blob.len;
	h->idx_off = align8(h->blob_off + h->blob_size);
	h->idx_count = cc->index.len /
		       (c->denial == ZWT_DENIAL_NSEC3
				? sizeof(struct zwt_nsec3_ent)
				: sizeof(struct zwt_nsec_ent));
	h->lf_off = align8(h->idx_off + cc->index.len);
	h->lf_size = cc->lf.len;
	h->apex = cc->node_ref[0];
	h->nx[0] = cc->nx[0];
	h->nx[1] = cc->nx[1];
	h->data = align8(sizeof(*h));
	h->data_size = align8(h->lf_off + h->lf_size);
	h->size = h->data + h->data_size;
}

size_t zw_compiled_size(const struct zw_compiled *c)
{
	return ((const struct cc *)c)->hdr.size;
}

/* Copy one zone (header + data block) to dst, which holds zeros. */
static void put_zone(const struct cc *cc, uint8_t *dst)
{
	const struct zwt_zone *h = &cc->hdr;
	memcpy(dst, h, sizeof(*h));
	uint8_t *d = dst + h->data;
	memcpy(d + h->hash_off, cc->hash.p, cc->hash.len);
	if (d + h->blob_off != cc->blob.p) /* else built in place */
		memcpy(d + h->blob_off, cc->blob.p, cc->blob.len);
	if (cc->index.len)
		memcpy(d + h->idx_off, cc->index.p, cc->index.len);
	if (cc->lf.len)
		memcpy(d + h->lf_off, cc->lf.p, cc->lf.len);
}

/* The file image, page-aligned: from the kernel's zero pages (mapped)
 * or malloc'd and cleared. The checksum is left to the caller. */
struct image {
	uint8_t *p;
	size_t len, cap;
	bool mapped;
	bool borrowed; /* the zone's own region (cc_blob_reserve) */
};

static size_t image_size(struct zw_compiled *const *zones, size_t n)
{
	size_t total = align8(align8(sizeof(struct zwt_file)) + 8 * n);
	for (size_t i = 0; i < n; i++)
		total += align8(zw_compiled_size(zones[i]));
	return total;
}

/* One zone whose blob sits in its reserved image: the image is that
 * region (zero where nothing was written yet; what an earlier write put
 * there is written over with the same octets). */
static bool image_in_place(struct zw_compiled *const *zones, size_t n,
			   struct image *im)
{
	const struct cc *cc = (const struct cc *)zones[0];
	if (n != 1 || !cc->region ||
	    cc->blob.p != cc->region + cc_blob_file_off(cc))
		return false;
	im->len = image_size(zones, n);
	im->cap = (im->len + 4095) & ~(size_t)4095;
	if (im->cap > cc->region_size)
		return false;
	im->p = cc->region;
	im->mapped = false;
	im->borrowed = true;
	return true;
}

static int image_alloc(struct image *im, size_t total, bool map)
{
	im->len = total;
	im->cap = (total + 4095) & ~(size_t)4095;
	im->mapped = map;
	im->borrowed = false;
	if (map) {
		void *p = mmap(NULL, im->cap, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			return ZW_ENOMEM;
		im->p = p;
		return 0;
	}
	if (posix_memalign((void **)&im->p, 4096, im->cap))
		return ZW_ENOMEM;
	memset(im->p, 0, im->cap);
	return 0;
}

static void image_free(struct image *im)
{
	if (im->borrowed)
		return;
	if (im->mapped)
		munmap(im->p, im->cap);
	else
		free(im->p);
}

static int image_build(struct zw_compiled *const *zones, size_t n, bool map,
		       struct image *im)
{
	size_t dir = align8(sizeof(struct zwt_file));
	size_t off = first_zone_off(n);
	if (!(map && image_in_place(zones, n, im)) &&
	    image_alloc(im, image_size(zones, n), map) < 0)
		return ZW_ENOMEM;
	struct zwt_file *f = (struct zwt_file *)im->p;
	memcpy(f->magic, ZWT_MAGIC, 8);
	f->version = ZWT_VERSION;
	f->hdr_size = sizeof(*f);
	f->file_size = im->len;
	f->nzones = (uint32_t)n;
	f->zonedir = dir;
	f->created = (uint64_t)time(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct cc *cc = (const struct cc *)zones[i];
		memcpy(im->p + dir + 8 * i, &(uint64_t){off}, 8);
		put_zone(cc, im->p + off);
		off += align8(cc->hdr.size);
	}
	return 0;
}

void *zw_compile_to_mem(struct zw_compiled *const *zones, size_t n,
			size_t *len)
{
	struct image im;
	if (image_build(zones, n, false, &im) < 0)
		return NULL;
	((struct zwt_file *)im.p)->checksum = zw_table_checksum(im.p, im.len);
	*len = im.len;
	return im.p;
}

static int pwrite_all(int fd, const uint8_t *p, size_t len, off_t off)
{
	while (len) {
		ssize_t w = pwrite(fd, p, len > (1u << 30) ? (1u << 30) : len,
				   off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		off += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Octets [from, to) of the image, both multiples of 4096, bypassing the
 * page cache (no copy; it goes to the disk that fsync waits for anyway).
 * -EINVAL: the file system refuses direct I/O. */
static int write_direct(int fd, const struct image *im, size_t from,
			size_t to)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_DIRECT) < 0)
		return -EINVAL;
	int rc = pwrite_all(fd, im->p + from, to - from, (off_t)from);
	fcntl(fd, F_SETFL, fl);
	return rc;
}

struct body {
	int fd;
	const struct image *im;
	size_t to;
	int rc;
};

static void *body_write(void *arg)
{
	struct body *b = arg;
	b->rc = write_direct(b->fd, b->im, 4096, b->to);
	return NULL;
}

/* The image to fd: the body (past the first page) goes out while the
 * checksum is computed, then the first page with the header, then the
 * unaligned tail through the page cache. Any direct-I/O refusal: the
 * whole image through the page cache. */
static int write_image(int fd, struct image *im)
{
	struct zwt_file *f = (struct zwt_file *)im->p;
	struct body b = {fd, im, im->len & ~(size_t)4095, 0};
	pthread_t t;
	bool threaded = b.to > 4096 &&
			!pthread_create(&t, NULL, body_write, &b);
	f->checksum = zw_table_checksum(im->p, im->len);
	if (threaded)
		pthread_join(t, NULL);
	else if (b.to > 4096)
		body_write(&b);
	int rc = b.rc;
	if (!rc && b.to)
		rc = write_direct(fd, im, 0, 4096);
	if (!rc)
		return pwrite_all(fd, im->p + b.to, im->len - b.to,
				  (off_t)b.to);
	return pwrite_all(fd, im->p, im->len, 0);
}

int zw_compile_write(const char *path, struct zw_compiled *const *zones,
		     size_t n, char *err, size_t errlen)
{
	struct image im;
	char tmp[4096];
	int rc;

	if (image_build(zones, n, true, &im) < 0) {
		snprintf(err, errlen, "%s: out of memory", path);
		return ZW_ENOMEM;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		image_free(&im);
		return rc;
	}
	rc = write_image(fd, &im);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		unlink(tmp);
	}
	image_free(&im);
	return rc;
}
