{
  "targets": [
    {
      "target_name": "udp",
      "sources": ["udp_batch.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [["OS!='linux'", {"sources!": ["udp_batch.c"], "sources": ["unsupported.c"]}]]
    }
  ]
}
