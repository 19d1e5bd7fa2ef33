/*
 * The head of section 3, checked against the overwrite buffer libisofs
 * itself produces for the same session.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libburn/libburn.h>
#include <libisofs/libisofs.h>

#include "ctx.h"
#include "head.h"
#include "iso9660.h"
#include "link.h"

#define HEAD_BYTES ((size_t)MS_HEAD_BLOCKS * MS_BLOCK)

struct made {
	uint8_t *image;		/* the whole stream */
	size_t size;
	uint8_t *overwrite;	/* libisofs' head, 64 KiB */
};

/*
 * Build a small image for block start with libisofs, with the given old
 * head in the overwrite buffer and our record as system area.
 */
static void make(uint32_t start, int md5, const uint8_t *old, struct made *m)
{
	IsoImage *image;
	IsoWriteOpts *o;
	IsoDir *root, *dir;
	struct burn_source *src;
	char sysarea[MS_SYSAREA_BLOCKS * MS_BLOCK];
	size_t done = 0;
	int n;

	cr_assert(iso_init() >= 0);
	cr_assert(iso_image_new("HEADTEST", &image) >= 0);
	root = iso_image_get_root(image);
	cr_assert(iso_tree_add_new_dir(root, "docs", &dir) >= 0);
	cr_assert(iso_tree_add_new_dir(dir, "more", NULL) >= 0);

	cr_assert(iso_write_opts_new(&o, 0) >= 0);
	iso_write_opts_set_rockridge(o, 1);
	iso_write_opts_set_joliet(o, 1);
	iso_write_opts_set_ms_block(o, start);
	iso_write_opts_set_appendable(o, 0);
	if (md5)
		iso_write_opts_set_record_md5(o, 1, 0);
	memset(sysarea, 0, sizeof(sysarea));
	strcpy(sysarea, "a system area line\n");
	iso_write_opts_set_system_area(o, sysarea, 0, 0);
	m->overwrite = malloc(HEAD_BYTES);
	cr_assert(m->overwrite);
	memcpy(m->overwrite, old, HEAD_BYTES);
	iso_write_opts_set_overwrite_buf(o, m->overwrite);
	cr_assert(iso_image_create_burn_source(image, o, &src) >= 0);
	iso_write_opts_free(o);

	m->size = (size_t)src->get_size(src);
	m->image = malloc(m->size);
	cr_assert(m->image);
	while (done < m->size) {
		n = src->read_xt(src, m->image + done, (int)(m->size - done));
		cr_assert(n > 0);
		done += (size_t)n;
	}
	burn_source_free(src);
	iso_image_unref(image);
	iso_finish();
}

static void release(struct made *m)
{
	free(m->image);
	free(m->overwrite);
}

static void check_same_as_libisofs(uint32_t start, int md5,
				   const uint8_t *old)
{
	struct made m;
	struct ms_ctx c;
	uint8_t *head = malloc(HEAD_BYTES);
	uint32_t i;

	cr_assert(head);
	ms_ctx_init(&c);
	make(start, md5, old, &m);
	cr_assert_eq(ms_head_build(m.image, old, start,
				   (uint32_t)(m.size / MS_BLOCK), head, &c), 0,
		     "%s", c.msg);
	for (i = 0; i < MS_HEAD_BLOCKS; i++)
		cr_expect(!memcmp(head + (size_t)i * MS_BLOCK,
				  m.overwrite + (size_t)i * MS_BLOCK, MS_BLOCK),
			  "head block %u differs from libisofs' (start %u, "
			  "md5 %d)", i, start, md5);
	cr_expect_eq(ms_vd_space_size(head + (size_t)MS_VD_FIRST * MS_BLOCK),
		     start + m.size / MS_BLOCK);
	release(&m);
	free(head);
}

Test(head, equals_libisofs_overwrite_buffer_with_md5)
{
	uint8_t *old = calloc(1, HEAD_BYTES);

	check_same_as_libisofs(32, 1, old);
	check_same_as_libisofs(4096, 1, old);
	free(old);
}

Test(head, equals_libisofs_overwrite_buffer_without_md5)
{
	uint8_t *old = calloc(1, HEAD_BYTES);

	check_same_as_libisofs(64, 0, old);
	free(old);
}

Test(head, keeps_old_blocks_it_does_not_cover)
{
	uint8_t *old = malloc(HEAD_BYTES);
	size_t i;

	/* a plain image at block 0 may keep directories or data in 19..31 */
	for (i = 0; i < HEAD_BYTES; i++)
		old[i] = (uint8_t)(i * 7 + 3);
	check_same_as_libisofs(192, 1, old);
	check_same_as_libisofs(192, 0, old);
	free(old);
}

Test(head, every_supplementary_descriptor_gets_the_end_address)
{
	struct made m;
	struct ms_ctx c;
	uint8_t *old = calloc(1, HEAD_BYTES), *head = malloc(HEAD_BYTES);
	uint32_t i, end;

	ms_ctx_init(&c);
	make(96, 1, old, &m);
	end = 96 + (uint32_t)(m.size / MS_BLOCK);
	cr_assert_eq(ms_head_build(m.image, old, 96,
				   (uint32_t)(m.size / MS_BLOCK), head, &c), 0);
	for (i = MS_VD_FIRST; i < MS_HEAD_BLOCKS; i++) {
		const uint8_t *blk = head + (size_t)i * MS_BLOCK;

		if (!ms_vd_is_descriptor(blk) || blk[0] == MS_VD_TERMINATOR)
			break;
		cr_expect_eq(ms_vd_space_size(blk), end, "block %u", i);
	}
	cr_expect_gt(i, MS_VD_FIRST + 1, "want a PVD and a Joliet SVD");
	release(&m);
	free(old);
	free(head);
}

Test(head, refuses_an_image_without_descriptors)
{
	uint8_t *image = calloc(1, HEAD_BYTES), *old = calloc(1, HEAD_BYTES);
	uint8_t *head = malloc(HEAD_BYTES);
	struct ms_ctx c;

	ms_ctx_init(&c);
	cr_expect_eq(ms_head_build(image, old, 32, 40, head, &c), -1);
	cr_expect(strstr(c.msg, "block 16") != NULL, "%s", c.msg);
	free(image);
	free(old);
	free(head);
}
