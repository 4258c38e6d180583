/* SPDX-License-Identifier: MIT */
/*
 * RFB security type 30, client side: Diffie-Hellman over the server's
 * prime, MD5 of the shared secret as an AES-128 key, the credentials block
 * encrypted with it in ECB mode.
 *
 * Why this type: without TLS, Weston 14's VNC backend (neatvnc 0.9) offers
 * RSA-AES-256, RSA-AES and Apple-DH. The RSA-AES types encrypt the whole
 * session afterwards (AES-EAX framing of every message); Apple-DH only
 * protects the credentials and leaves the session plain, so the client
 * stays a few lines of big-number and block-cipher calls. GMP and Nettle
 * are what neatvnc itself uses for them, and Debian packages both. The
 * scheme is weak by today's standards; it only ever runs over loopback
 * to a throwaway Weston with a one-time password.
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>

#include <gmp.h>
#include <nettle/aes.h>
#include <nettle/md5.h>

#include "rfb-apple-dh.h"

#define FIELD 64	/* user and password are NUL-padded to this */

/* Big-endian, left-padded with zeros to len bytes, as the server sends
 * and hashes numbers. */
static void
export_padded(uint8_t *dst, size_t len, const mpz_t n)
{
	size_t count = (mpz_sizeinbase(n, 2) + 7) / 8;

	memset(dst, 0, len);
	if (mpz_sgn(n) != 0)
		mpz_export(dst + len - count, &count, 1, 1, 1, 0, n);
}

static bool
random_bytes(uint8_t *buf, size_t len)
{
	size_t done = 0;
	ssize_t ret;

	while (done < len) {
		ret = getrandom(buf + done, len - done, 0);
		if (ret < 0 && errno != EINTR)
			return false;
		if (ret > 0)
			done += ret;
	}
	return true;
}

int
xd_rfb_apple_dh_respond(uint16_t generator, const uint8_t *prime,
			const uint8_t *server_key, size_t key_len,
			const char *user, const char *password,
			uint8_t credentials[XD_RFB_APPLE_DH_CREDENTIALS],
			uint8_t *public_key)
{
	uint8_t plain[XD_RFB_APPLE_DH_CREDENTIALS] = { 0 };
	uint8_t digest[MD5_DIGEST_SIZE];
	uint8_t secret_bytes[512];
	struct md5_ctx md5;
	struct aes128_ctx aes;
	mpz_t g, p, theirs, mine, ours, shared;

	if (strlen(user) >= FIELD || strlen(password) >= FIELD ||
	    key_len > sizeof secret_bytes ||
	    !random_bytes(secret_bytes, key_len))
		return -1;
	memcpy(plain, user, strlen(user));
	memcpy(plain + FIELD, password, strlen(password));

	mpz_inits(g, p, theirs, mine, ours, shared, NULL);
	mpz_set_ui(g, generator);
	mpz_import(p, key_len, 1, 1, 1, 0, prime);
	mpz_import(theirs, key_len, 1, 1, 1, 0, server_key);
	mpz_import(mine, key_len, 1, 1, 1, 0, secret_bytes);

	mpz_powm(ours, g, mine, p);
	mpz_powm(shared, theirs, mine, p);
	export_padded(public_key, key_len, ours);
	export_padded(secret_bytes, key_len, shared);

	md5_init(&md5);
	md5_update(&md5, key_len, secret_bytes);
	md5_digest(&md5, sizeof digest, digest);
	aes128_set_encrypt_key(&aes, digest);
	aes128_encrypt(&aes, sizeof plain, credentials, plain);

	memset(secret_bytes, 0, sizeof secret_bytes);
	mpz_clears(g, p, theirs, mine, ours, shared, NULL);
	return 0;
}
