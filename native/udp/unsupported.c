/* Batched UDP sending is written for Linux (sendmmsg, a dgram socket's fd): elsewhere the module
 * loads with no functions, so src/media/native/udp.ts finds no sendBatch and the JS path is used. */
#include <node_api.h>

NAPI_MODULE_INIT() {
  (void)env;
  return exports;
}
