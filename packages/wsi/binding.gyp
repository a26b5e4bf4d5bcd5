{
  "targets": [
    {
      "target_name": "osfm_jpeg",
      "sources": ["native/jpeg_decode.c"],
      "libraries": ["-ljpeg"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
