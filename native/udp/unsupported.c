/* Batched UDP sending and receiving are written for Linux (sendmmsg, recvmmsg, SO_TIMESTAMPNS):
 * elsewhere the module loads with no functions, so src/media/native/udp.ts finds none and the JS
 * path (node:dgram) is used. */
#include <node_api.h>

NAPI_MODULE_INIT() {
  (void)env;
  return exports;
}
