# -z nodelete: never unloaded when a thread that loaded it exits (as native/srtp).
{
  "targets": [
    {
      "target_name": "udp",
      "sources": ["udp_addon.c", "udp_batch.c", "udp_sockets.c", "udp_recv.c", "udp_thread.c", "udp_pacer.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"],
      "ldflags": ["-Wl,-z,nodelete"],
      "conditions": [["OS!='linux'", {"sources!": ["udp_addon.c", "udp_batch.c", "udp_sockets.c", "udp_recv.c", "udp_thread.c", "udp_pacer.c"], "sources": ["unsupported.c"]}]]
    }
  ]
}
