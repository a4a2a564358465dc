# Nothing to install: the OpenSSL headers come with Node's own (include/node/openssl) and the
# symbols from the node binary, which exports the OpenSSL it is built with. -z nodelete as the
# other addons: never unloaded when a thread that loaded it exits.
{
  "targets": [
    {
      "target_name": "openum_srtpcrypto",
      "sources": ["srtp_crypto.c"],
      "defines": ["NAPI_VERSION=8", "OPENSSL_SUPPRESS_DEPRECATED"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-Wl,-z,nodelete"]
    }
  ]
}
