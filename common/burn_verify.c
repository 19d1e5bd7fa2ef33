/* burnms --verify: the session read back and compared with what was sent. */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "burn_int.h"
#include "exit.h"

/* Read the session back and compare it with the MD5 of what was sent. */
int ms_burn_verify(struct ms_ctx *c, struct ms_medium *m, uint32_t start,
		   uint32_t blocks, const uint8_t want[16],
		   struct ms_progress *p)
{
	EVP_MD_CTX *h;
	uint8_t *buf, got[16];
	uint32_t done = 0;
	int ret = -1;

	buf = malloc((size_t)MS_BURN_CHUNK_BLOCKS * MS_BLOCK);
	h = EVP_MD_CTX_new();
	if (!buf || !h || !EVP_DigestInit_ex(h, EVP_md5(), NULL)) {
		free(buf);
		EVP_MD_CTX_free(h);
		return ms_fail(c, MS_EXIT_FAILURE, "out of memory");
	}
	while (done < blocks) {
		uint32_t n = blocks - done > MS_BURN_CHUNK_BLOCKS ?
			     MS_BURN_CHUNK_BLOCKS : blocks - done;

		if (ms_medium_read(m, c, start + done, n, buf) < 0) {
			ms_fail_prefix(c, "verify");
			goto out;
		}
		EVP_DigestUpdate(h, buf, (size_t)n * MS_BLOCK);
		done += n;
		ms_progress_phase(p, "verifying", (uint64_t)done * MS_BLOCK,
				  (uint64_t)blocks * MS_BLOCK);
	}
	ret = 0;
out:
	EVP_DigestFinal_ex(h, got, NULL);
	EVP_MD_CTX_free(h);
	free(buf);
	if (ret == 0 && memcmp(got, want, 16))
		return ms_fail(c, MS_EXIT_VERIFY,
			       "verify: the session read back from '%s' "
			       "differs from the image", ms_medium_name(m));
	return ret;
}
