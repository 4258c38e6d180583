/* SPDX-License-Identifier: MIT */
/*
 * The client's half of RFB security type 30 ("Apple Diffie-Hellman"), the
 * one Weston's VNC backend offers without TLS that needs the least crypto.
 */

#ifndef XD_RFB_APPLE_DH_H
#define XD_RFB_APPLE_DH_H

#include <stddef.h>
#include <stdint.h>

#define XD_RFB_APPLE_DH_CREDENTIALS 128	/* user[64] then password[64] */

/*
 * From the server's generator, prime and public key (each key_len bytes,
 * big-endian), makes a key pair of our own and fills credentials with user
 * and password encrypted for the server, and public_key (key_len bytes)
 * with ours. Returns 0, or -1 if user or password are too long or the
 * system has no randomness to give.
 */
int
xd_rfb_apple_dh_respond(uint16_t generator, const uint8_t *prime,
			const uint8_t *server_key, size_t key_len,
			const char *user, const char *password,
			uint8_t credentials[XD_RFB_APPLE_DH_CREDENTIALS],
			uint8_t *public_key);

#endif
