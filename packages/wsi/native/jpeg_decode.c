/*
 * osfm_jpeg: decodes (a window of) one JPEG tile with the system libjpeg-turbo on the libuv
 * threadpool. decode(tile, tables, rgbPhotometric, channels, x, y, width, height, maxPixels)
 * returns a Promise of { data: Uint8Array, width, height, channels }; with three more arguments
 * (dest: Uint8Array, destOffset, destStride in bytes) the RGBA window is written into dest instead
 * (data is then null; dest is kept alive until the promise settles).
 * decodeFile(fd, offset, length, tables, ...) is decode() with the tile's bytes read by the job itself
 * (pread of `length` bytes at `offset` on the libuv thread), so that a tile costs one threadpool job
 * and no round trip through the JavaScript thread between its file read and its decode; the caller
 * keeps `fd` open until the promise settles.
 *  - tables: the TIFF JPEGTables stream (abbreviated tables-only JPEG) or null;
 *  - rgbPhotometric: the components are R, G, B (TIFF photometric RGB): no colour conversion;
 *  - channels: 3 (RGB) or 4 (RGBA, alpha 255), written by libjpeg directly;
 *  - x, y, width, height: the window wanted, in image pixels (width or height 0: the whole image);
 *    only the iMCU columns it touches are transformed (jpeg_crop_scanline), rows above it are
 *    skipped (jpeg_skip_scanlines) and decoding stops after its last row. The window is clipped to
 *    the image.
 * libjpeg errors reject the promise (error_exit longjmps back); warnings are ignored, as OpenSlide does.
 */
#include <node_api.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

/*
 * Where rows libjpeg-turbo writes should start: 16 bytes past a 32-byte boundary. Its AVX2 colour
 * converters write a 32-byte-aligned row with non-temporal stores, which bypass the cache; measured
 * here (libjpeg-turbo 2.1.5), a synthetic 256² 4:4:4 tile decodes in 0.40 ms into rows at 16 mod 32,
 * 0.44–0.48 ms into 32-byte-aligned rows, and the rows are then read back from memory, not from cache.
 */
#define FAST_ALIGN 32
#define FAST_OFFSET 16
/* rows per jpeg_read_scanlines call when decoding straight into the output */
#define MAX_ROWS_PER_CALL 16

/* The first address at FAST_OFFSET mod FAST_ALIGN in a block of at least size + FAST_ALIGN bytes. */
static unsigned char *fast_aligned(unsigned char *block) {
  return block + ((FAST_OFFSET - ((uintptr_t)block & (FAST_ALIGN - 1))) & (FAST_ALIGN - 1));
}


/*
 * Pixel blocks are recycled: a decoded tile's block, once its ArrayBuffer is collected, goes back to a
 * small pool (at most POOL_MAX_BYTES, in blocks of up to POOL_SIZES distinct sizes) instead of to
 * malloc, and the next tile of that size reuses it. Freshly allocated memory costs a page fault per
 * 4 KiB page on first write (glibc returns freed blocks this large to the kernel): measured here, about
 * a quarter of the decode thread's time on CMU-1-Small-Region's 240² tiles.
 */
#define POOL_MAX_BYTES ((size_t)32 << 20)
#define POOL_SIZES 4
/* the header in front of each block's usable bytes (keeps them 64-byte aligned) */
#define BLOCK_HEADER 64

typedef struct PoolBlock {
  struct PoolBlock *next;
  size_t size; /* usable bytes after the header */
} PoolBlock;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { size_t size; PoolBlock *head; unsigned long used; } pool[POOL_SIZES];
static size_t pool_bytes = 0;
static unsigned long pool_clock = 0;

/* `size` usable bytes (not zeroed), recycled when a block of that size is pooled; NULL when out of memory. */
static unsigned char *pool_take(size_t size) {
  pthread_mutex_lock(&pool_lock);
  for (int k = 0; k < POOL_SIZES; k++) {
    if (pool[k].size != size || pool[k].head == NULL) continue;
    PoolBlock *b = pool[k].head;
    pool[k].head = b->next;
    pool[k].used = ++pool_clock;
    pool_bytes -= size;
    pthread_mutex_unlock(&pool_lock);
    return (unsigned char *)b + BLOCK_HEADER;
  }
  pthread_mutex_unlock(&pool_lock);
  PoolBlock *b = (PoolBlock *)malloc(BLOCK_HEADER + size);
  if (b == NULL) return NULL;
  b->size = size;
  return (unsigned char *)b + BLOCK_HEADER;
}

/* Returns a block from pool_take: kept for reuse while the pool has room, else freed. */
static void pool_give(unsigned char *data) {
  if (data == NULL) return;
  PoolBlock *b = (PoolBlock *)(data - BLOCK_HEADER);
  pthread_mutex_lock(&pool_lock);
  if (pool_bytes + b->size <= POOL_MAX_BYTES) {
    int slot = -1, oldest = 0;
    for (int k = 0; k < POOL_SIZES; k++) {
      if (pool[k].size == b->size) { slot = k; break; }
      if (pool[k].used < pool[oldest].used) oldest = k;
    }
    if (slot < 0) {
      /* a new size: it takes the place of the size used longest ago, whose blocks are freed */
      slot = oldest;
      for (PoolBlock *q = pool[slot].head; q != NULL;) {
        PoolBlock *n = q->next;
        pool_bytes -= q->size;
        free(q);
        q = n;
      }
      pool[slot].head = NULL;
      pool[slot].size = b->size;
    }
    b->next = pool[slot].head;
    pool[slot].head = b;
    pool[slot].used = ++pool_clock;
    pool_bytes += b->size;
    pthread_mutex_unlock(&pool_lock);
    return;
  }
  pthread_mutex_unlock(&pool_lock);
  free(b);
}

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} ErrorManager;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  unsigned char *tile;
  size_t tile_length;
  /* decodeFile: the tile's bytes are read from fd at file_offset by the job (fd -1: tile is given) */
  int fd;
  int64_t file_offset;
  unsigned char *tables;
  size_t tables_length;
  int rgb_photometric;
  int channels;
  unsigned int x, y, width, height;
  double max_pixels;
  /* optional destination: rows written at dest + dest_offset, dest_stride bytes apart (RGBA only) */
  unsigned char *dest;
  size_t dest_offset, dest_stride;
  napi_ref dest_ref;
  /* results: out (the pixels) lies inside out_block (a pool block: pool_give); ok once decoded */
  unsigned char *out_block;
  unsigned char *out;
  int ok;
  unsigned int out_width, out_height;
  char error[JMSG_LENGTH_MAX + 64];
} DecodeJob;

static void free_out(DecodeJob *job) {
  pool_give(job->out_block);
  job->out_block = NULL;
  job->out = NULL;
}

static void on_error_exit(j_common_ptr cinfo) {
  ErrorManager *err = (ErrorManager *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, err->message);
  longjmp(err->jump, 1);
}

static void on_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void on_emit_message(j_common_ptr cinfo, int level) {
  /* warnings (level -1) are counted by libjpeg and otherwise ignored; trace messages are dropped */
  if (level < 0) cinfo->err->num_warnings++;
}


/*
 * One RGBA row from three planes of `n` samples (alpha 255). A whole 4:4:4 photometric-RGB tile is
 * decoded as raw component planes (jpeg_read_raw_data: the same islow IDCT output, and 4:4:4 needs no
 * upsampling) and interleaved here, 16 pixels per step: libjpeg-turbo's own RGB → RGBA conversion
 * for RGB-coded JPEGs is a byte-by-byte C loop, measured here at about a quarter of the decode time of
 * CMU-1-Small-Region's 240² tiles.
 */
static void interleave_rgba(unsigned char *out, const unsigned char *r, const unsigned char *g, const unsigned char *b, unsigned int n) {
  unsigned int i = 0;
#ifdef __SSE2__
  const __m128i opaque = _mm_set1_epi8((char)0xff);
  for (; i + 16 <= n; i += 16) {
    const __m128i vr = _mm_loadu_si128((const __m128i *)(r + i));
    const __m128i vg = _mm_loadu_si128((const __m128i *)(g + i));
    const __m128i vb = _mm_loadu_si128((const __m128i *)(b + i));
    const __m128i rg_lo = _mm_unpacklo_epi8(vr, vg), rg_hi = _mm_unpackhi_epi8(vr, vg);
    const __m128i ba_lo = _mm_unpacklo_epi8(vb, opaque), ba_hi = _mm_unpackhi_epi8(vb, opaque);
    _mm_storeu_si128((__m128i *)(out + 4 * i), _mm_unpacklo_epi16(rg_lo, ba_lo));
    _mm_storeu_si128((__m128i *)(out + 4 * i + 16), _mm_unpackhi_epi16(rg_lo, ba_lo));
    _mm_storeu_si128((__m128i *)(out + 4 * i + 32), _mm_unpacklo_epi16(rg_hi, ba_hi));
    _mm_storeu_si128((__m128i *)(out + 4 * i + 48), _mm_unpackhi_epi16(rg_hi, ba_hi));
  }
#endif
  for (; i < n; i++) {
    out[4 * i] = r[i];
    out[4 * i + 1] = g[i];
    out[4 * i + 2] = b[i];
    out[4 * i + 3] = 255;
  }
}

/* True when the decode is a whole 4:4:4 RGB-coded image to RGBA: see interleave_rgba. */
static int rgb_planes_apply(const struct jpeg_decompress_struct *cinfo, int channels, unsigned int x, unsigned int y, unsigned int w, unsigned int h) {
  if (channels != 4 || x != 0 || y != 0 || w != cinfo->image_width || h != cinfo->image_height) return 0;
  if (cinfo->jpeg_color_space != JCS_RGB || cinfo->num_components != 3 || cinfo->progressive_mode) return 0;
  for (int c = 0; c < 3; c++) {
    if (cinfo->comp_info[c].h_samp_factor != 1 || cinfo->comp_info[c].v_samp_factor != 1) return 0;
  }
  return 1;
}


/*
 * The raw-plane decode of a whole 4:4:4 RGB tile (rgb_planes_apply) into job->dest or a new pool
 * block, after jpeg_start_decompress with raw_data_out. `row_block` receives the plane buffers (freed by
 * the caller, also when libjpeg longjmps out). Sets job->ok, or job->error.
 */
static void decode_rgb_planes(DecodeJob *job, struct jpeg_decompress_struct *cinfo, unsigned int w, unsigned int h, unsigned char *volatile *row_block) {
  const size_t out_stride = job->dest != NULL ? job->dest_stride : (size_t)w * 4;
  unsigned char *first_row = job->dest != NULL ? job->dest + job->dest_offset : NULL;
  if (job->dest == NULL) {
    job->out_block = pool_take(out_stride * h + FAST_ALIGN);
    if (job->out_block != NULL) first_row = job->out = fast_aligned(job->out_block);
  }
  const int lines = cinfo->max_v_samp_factor * DCTSIZE;
  size_t plane_width = 0;
  for (int c = 0; c < 3; c++) {
    size_t pw = (size_t)cinfo->comp_info[c].width_in_blocks * DCTSIZE;
    if (pw > plane_width) plane_width = pw;
  }
  *row_block = (unsigned char *)malloc(3 * (size_t)lines * plane_width);
  if (first_row == NULL || *row_block == NULL || lines > 16) {
    snprintf(job->error, sizeof job->error, "out of memory for a %ux%u tile", w, h);
    free_out(job);
    return;
  }
  JSAMPROW rows[3][16];
  JSAMPARRAY planes[3] = { rows[0], rows[1], rows[2] };
  for (int c = 0; c < 3; c++) {
    for (int k = 0; k < lines; k++) rows[c][k] = *row_block + ((size_t)c * lines + k) * plane_width;
  }
  for (unsigned int r = 0; r < h;) {
    JDIMENSION got = jpeg_read_raw_data(cinfo, planes, (JDIMENSION)lines);
    if (got == 0) {
      snprintf(job->error, sizeof job->error, "libjpeg returned no row %u", r);
      free_out(job);
      return;
    }
    for (unsigned int k = 0; k < got && r + k < h; k++) interleave_rgba(first_row + (size_t)(r + k) * out_stride, rows[0][k], rows[1][k], rows[2][k], w);
    r += got;
  }
  job->out_width = w;
  job->out_height = h;
  job->ok = 1;
}

/* Runs on a libuv thread: no N-API calls here. */
static void execute_decode(napi_env env, void *data) {
  (void)env;
  DecodeJob *job = (DecodeJob *)data;
  struct jpeg_decompress_struct cinfo;
  ErrorManager err;
  /* a row buffer (within row_block) when rows cannot be written straight to their destination */
  unsigned char *volatile row_block = NULL;
  unsigned char *row = NULL;
  memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error_exit;
  err.pub.output_message = on_output_message;
  err.pub.emit_message = on_emit_message;
  err.message[0] = 0;
  if (job->fd >= 0) {
    job->tile = (unsigned char *)malloc(job->tile_length > 0 ? job->tile_length : 1);
    if (job->tile == NULL) {
      snprintf(job->error, sizeof job->error, "out of memory for %zu stored bytes", job->tile_length);
      return;
    }
    size_t done = 0;
    while (done < job->tile_length) {
      ssize_t got = pread(job->fd, job->tile + done, job->tile_length - done, (off_t)(job->file_offset + (int64_t)done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        snprintf(job->error, sizeof job->error, "read: %s at byte %lld",
                 got < 0 ? strerror(errno) : "unexpected end of file", (long long)(job->file_offset + (int64_t)done));
        return;
      }
      done += (size_t)got;
    }
  }
  if (setjmp(err.jump)) {
    snprintf(job->error, sizeof job->error, "libjpeg: %s", err.message);
    free(row_block);
    free_out(job);
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  jpeg_create_decompress(&cinfo);
  if (job->tables != NULL && job->tables_length > 4) {
    jpeg_mem_src(&cinfo, job->tables, (unsigned long)job->tables_length);
    /* a tables-only stream leaves the Huffman and quantization tables in cinfo for the tile */
    jpeg_read_header(&cinfo, FALSE);
  }
  jpeg_mem_src(&cinfo, job->tile, (unsigned long)job->tile_length);
  if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
    snprintf(job->error, sizeof job->error, "libjpeg: the stream has no image");
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  if ((double)cinfo.image_width * (double)cinfo.image_height > job->max_pixels) {
    snprintf(job->error, sizeof job->error, "JPEG of %ux%u pixels is larger than the %.0f pixels expected",
             cinfo.image_width, cinfo.image_height, job->max_pixels);
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  if (cinfo.num_components == 3) {
    if (job->rgb_photometric) cinfo.jpeg_color_space = JCS_RGB;
  } else if (cinfo.num_components != 1) {
    snprintf(job->error, sizeof job->error, "unsupported: JPEG with %d components", cinfo.num_components);
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  cinfo.out_color_space = job->channels == 4 ? JCS_EXT_RGBA : JCS_RGB;
  unsigned int x = job->x, y = job->y, w = job->width, h = job->height;
  if (w == 0 || h == 0) { x = 0; y = 0; w = cinfo.image_width; h = cinfo.image_height; }
  if (x >= cinfo.image_width || y >= cinfo.image_height) {
    /* a window beyond a JPEG smaller than its tile: nothing to decode */
    jpeg_destroy_decompress(&cinfo);
    job->out_width = 0;
    job->out_height = 0;
    job->ok = 1;
    return;
  }
  if (w > cinfo.image_width - x) w = cinfo.image_width - x;
  if (h > cinfo.image_height - y) h = cinfo.image_height - y;
  const int planes = rgb_planes_apply(&cinfo, job->channels, x, y, w, h);
  if (planes) cinfo.raw_data_out = TRUE;
  jpeg_start_decompress(&cinfo);
  if (planes) {
    decode_rgb_planes(job, &cinfo, w, h, &row_block);
    free(row_block);
    row_block = NULL;
    jpeg_abort_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  const int ch = cinfo.output_components;
  JDIMENSION crop_x = 0;
  if (x > 0 || w < cinfo.output_width) {
    /* one pixel of margin each side, so a window edge on an iMCU boundary keeps its neighbour's
       chroma for fancy upsampling; libjpeg widens the crop to whole iMCUs */
    JDIMENSION left = x > 0 ? x - 1 : 0;
    JDIMENSION right = x + w < cinfo.output_width ? x + w + 1 : cinfo.output_width;
    JDIMENSION cw = right - left;
    jpeg_crop_scanline(&cinfo, &left, &cw);
    crop_x = left;
  }
  if (y > 0) {
    JDIMENSION skipped = jpeg_skip_scanlines(&cinfo, y);
    if (skipped != y) {
      snprintf(job->error, sizeof job->error, "libjpeg skipped %u of %u rows", skipped, y);
      jpeg_destroy_decompress(&cinfo);
      return;
    }
  }
  const size_t stride = (size_t)cinfo.output_width * ch;
  const size_t out_stride = job->dest != NULL ? job->dest_stride : (size_t)w * ch;
  unsigned char *const target = job->dest != NULL ? job->dest + job->dest_offset : NULL;
  if (job->dest == NULL) {
    job->out_block = pool_take(out_stride * h + FAST_ALIGN);
    if (job->out_block != NULL) job->out = fast_aligned(job->out_block);
  }
  unsigned char *const first_row = target != NULL ? target : job->out;
  /* whole rows into rows that are all at the fast alignment: straight in, no copy */
  const int direct = first_row != NULL && crop_x == 0 && w == cinfo.output_width
    && ((uintptr_t)first_row & (FAST_ALIGN - 1)) == FAST_OFFSET && (out_stride & (FAST_ALIGN - 1)) == 0;
  if (!direct) {
    row_block = malloc(stride + FAST_ALIGN);
    row = row_block != NULL ? fast_aligned(row_block) : NULL;
  }
  if (first_row == NULL || (!direct && row == NULL)) {
    snprintf(job->error, sizeof job->error, "out of memory for a %ux%u window", w, h);
    free(row_block);
    free_out(job);
    jpeg_destroy_decompress(&cinfo);
    return;
  }
  const size_t from = (size_t)(x - crop_x) * ch;
  for (unsigned int r = 0; r < h;) {
    JSAMPROW rows[MAX_ROWS_PER_CALL];
    unsigned int want = 1;
    if (direct) {
      want = h - r < MAX_ROWS_PER_CALL ? h - r : MAX_ROWS_PER_CALL;
      for (unsigned int k = 0; k < want; k++) rows[k] = first_row + (size_t)(r + k) * out_stride;
    } else {
      rows[0] = row;
    }
    JDIMENSION got = jpeg_read_scanlines(&cinfo, rows, want);
    if (got == 0) {
      snprintf(job->error, sizeof job->error, "libjpeg returned no row %u", y + r);
      free(row_block);
      free_out(job);
      jpeg_destroy_decompress(&cinfo);
      return;
    }
    if (!direct) memcpy(first_row + (size_t)r * out_stride, row + from, (size_t)w * ch);
    r += got;
  }
  free(row_block);
  row_block = NULL;
  /* the rows below the window are not needed: stop without decoding them */
  jpeg_abort_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  job->out_width = w;
  job->out_height = h;
  job->ok = 1;
}

/* Finalizer of a decoded tile's ArrayBuffer: `hint` is the pool block the pixels lie in. */
static void free_pixels(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  pool_give((unsigned char *)hint);
}

static void complete_decode(napi_env env, napi_status status, void *data) {
  DecodeJob *job = (DecodeJob *)data;
  napi_value result;
  if (status != napi_ok || !job->ok) {
    napi_value message, error;
    const char *text = status != napi_ok ? "decode cancelled" : job->error;
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  } else {
    size_t length = job->dest != NULL ? 0 : (size_t)job->out_width * job->out_height * job->channels;
    napi_value buffer, array, value;
    if (job->dest != NULL) {
      napi_get_null(env, &array);
    } else if (length == 0) {
      void *none;
      napi_create_arraybuffer(env, 0, &none, &buffer);
      napi_create_typedarray(env, napi_uint8_array, 0, buffer, 0, &array);
    } else {
      if (napi_create_external_arraybuffer(env, job->out, length, free_pixels, job->out_block, &buffer) == napi_ok) {
        job->out_block = NULL; /* owned by the ArrayBuffer */
      } else {
        /* runtimes without external buffers: copy */
        void *copy;
        napi_create_arraybuffer(env, length, &copy, &buffer);
        memcpy(copy, job->out, length);
      }
      napi_create_typedarray(env, napi_uint8_array, length, buffer, 0, &array);
    }
    napi_create_object(env, &result);
    napi_set_named_property(env, result, "data", array);
    napi_create_uint32(env, job->out_width, &value);
    napi_set_named_property(env, result, "width", value);
    napi_create_uint32(env, job->out_height, &value);
    napi_set_named_property(env, result, "height", value);
    napi_create_uint32(env, (uint32_t)job->channels, &value);
    napi_set_named_property(env, result, "channels", value);
    napi_resolve_deferred(env, job->deferred, result);
  }
  napi_delete_async_work(env, job->work);
  if (job->dest_ref != NULL) napi_delete_reference(env, job->dest_ref);
  free_out(job);
  free(job->tile);
  free(job->tables);
  free(job);
}

/* Copies a Uint8Array argument (the JS buffer may move or be reused while the job runs). */
static int copy_bytes(napi_env env, napi_value value, unsigned char **out, size_t *length) {
  bool is_typed;
  *out = NULL;
  *length = 0;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  size_t count, offset;
  void *data;
  napi_value arraybuffer;
  if (napi_get_typedarray_info(env, value, &type, &count, &data, &arraybuffer, &offset) != napi_ok || type != napi_uint8_array) return 0;
  *out = (unsigned char *)malloc(count > 0 ? count : 1);
  if (*out == NULL) return 0;
  if (count > 0) memcpy(*out, data, count);
  *length = count;
  return 1;
}

static napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/*
 * decode() and decodeFile(): argv[0] is the tile (decode) or argv[0..2] are fd, offset, length
 * (decodeFile, `first` = 3); the arguments from `first` on are the same for both.
 */
static napi_value queue_decode(napi_env env, napi_callback_info info, int from_file) {
  size_t argc = 14;
  napi_value argv[14];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  const size_t first = from_file ? 3 : 1;
  if (argc < first + 8) {
    return throw_type_error(env, from_file
      ? "decodeFile(fd, offset, length, tables, rgbPhotometric, channels, x, y, width, height, maxPixels) takes 11 arguments"
      : "decode(tile, tables, rgbPhotometric, channels, x, y, width, height, maxPixels) takes 9 arguments");
  }
  DecodeJob *job = (DecodeJob *)calloc(1, sizeof(DecodeJob));
  if (job == NULL) return throw_type_error(env, "out of memory");
  job->fd = -1;
  if (from_file) {
    int32_t fd = -1;
    int64_t offset = -1;
    uint32_t length = 0;
    napi_get_value_int32(env, argv[0], &fd);
    napi_get_value_int64(env, argv[1], &offset);
    napi_get_value_uint32(env, argv[2], &length);
    if (fd < 0 || offset < 0 || length == 0) {
      free(job);
      return throw_type_error(env, "decodeFile: fd and offset must be non-negative integers and length positive");
    }
    job->fd = fd;
    job->file_offset = offset;
    job->tile_length = length;
  } else if (!copy_bytes(env, argv[0], &job->tile, &job->tile_length)) {
    free(job);
    return throw_type_error(env, "tile must be a Uint8Array");
  }
  napi_value *const a = argv + first - 1; /* a[1] is tables, as in decode() */
  napi_valuetype kind;
  napi_typeof(env, a[1], &kind);
  if (kind != napi_null && kind != napi_undefined && !copy_bytes(env, a[1], &job->tables, &job->tables_length)) {
    free(job->tile);
    free(job);
    return throw_type_error(env, "tables must be a Uint8Array or null");
  }
  bool rgb = false;
  napi_get_value_bool(env, a[2], &rgb);
  job->rgb_photometric = rgb ? 1 : 0;
  uint32_t channels = 4;
  napi_get_value_uint32(env, a[3], &channels);
  job->channels = channels == 3 ? 3 : 4;
  napi_get_value_uint32(env, a[4], &job->x);
  napi_get_value_uint32(env, a[5], &job->y);
  napi_get_value_uint32(env, a[6], &job->width);
  napi_get_value_uint32(env, a[7], &job->height);
  job->max_pixels = 0;
  napi_get_value_double(env, a[8], &job->max_pixels);
  if (argc >= first + 11) {
    /* decode into dest (a Uint8Array kept alive until the job completes) */
    bool is_typed = false;
    napi_is_typedarray(env, a[9], &is_typed);
    napi_typedarray_type type;
    size_t count = 0, offset = 0;
    void *data = NULL;
    napi_value arraybuffer;
    uint32_t dest_offset = 0, dest_stride = 0;
    napi_get_value_uint32(env, a[10], &dest_offset);
    napi_get_value_uint32(env, a[11], &dest_stride);
    int ok = is_typed && napi_get_typedarray_info(env, a[9], &type, &count, &data, &arraybuffer, &offset) == napi_ok && type == napi_uint8_array;
    /* every row the window may write must lie inside dest */
    ok = ok && job->channels == 4 && job->width > 0 && job->height > 0 && dest_stride >= (size_t)job->width * 4
      && (size_t)dest_offset + (size_t)(job->height - 1) * dest_stride + (size_t)job->width * 4 <= count;
    if (!ok) {
      free(job->tile);
      free(job->tables);
      free(job);
      return throw_type_error(env, "dest must be a Uint8Array holding every RGBA row of the window at destOffset, destStride bytes apart");
    }
    job->dest = (unsigned char *)data;
    job->dest_offset = dest_offset;
    job->dest_stride = dest_stride;
    napi_create_reference(env, a[9], 1, &job->dest_ref);
  }
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "osfm_jpeg_decode", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, execute_decode, complete_decode, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

static napi_value decode(napi_env env, napi_callback_info info) { return queue_decode(env, info, 0); }

static napi_value decode_file(napi_env env, napi_callback_info info) { return queue_decode(env, info, 1); }

/* The bytes of a Uint8Array argument (NULL when it is not one). */
static unsigned char *uint8_data(napi_env env, napi_value value, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  void *data = NULL;
  napi_value arraybuffer;
  size_t offset;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return NULL;
  if (napi_get_typedarray_info(env, value, &type, length, &data, &arraybuffer, &offset) != napi_ok || type != napi_uint8_array) return NULL;
  return data != NULL ? (unsigned char *)data : (unsigned char *)"";
}

/*
 * copyRows(src, srcOffset, srcStride, dest, destOffset, destStride, rowBytes, rows): copies `rows` rows
 * of `rowBytes` bytes between two rasters, synchronously (the region painter's tile copy: one call
 * instead of a subarray and a set per row). Throws a TypeError when a row lies outside either array.
 */
static napi_value copy_rows(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 8) return throw_type_error(env, "copyRows(src, srcOffset, srcStride, dest, destOffset, destStride, rowBytes, rows) takes 8 arguments");
  size_t src_length = 0, dest_length = 0;
  unsigned char *src = uint8_data(env, argv[0], &src_length);
  unsigned char *dest = uint8_data(env, argv[3], &dest_length);
  double v[6] = {0};
  const int at[6] = {1, 2, 4, 5, 6, 7};
  for (int k = 0; k < 6; k++) {
    if (napi_get_value_double(env, argv[at[k]], &v[k]) != napi_ok || !(v[k] >= 0 && v[k] <= 9007199254740991.0) || v[k] != (double)(size_t)v[k]) {
      return throw_type_error(env, "copyRows: offsets, strides and sizes must be non-negative integers");
    }
  }
  const size_t src_offset = (size_t)v[0], src_stride = (size_t)v[1], dest_offset = (size_t)v[2], dest_stride = (size_t)v[3];
  const size_t row_bytes = (size_t)v[4], rows = (size_t)v[5];
  if (src == NULL || dest == NULL) return throw_type_error(env, "copyRows: src and dest must be Uint8Arrays");
  if (rows == 0 || row_bytes == 0) return NULL;
  /* the last row of each side must end inside its array (strides may be 0 only for one row) */
  const double src_end = (double)src_offset + (double)(rows - 1) * (double)src_stride + (double)row_bytes;
  const double dest_end = (double)dest_offset + (double)(rows - 1) * (double)dest_stride + (double)row_bytes;
  if (src_end > (double)src_length || dest_end > (double)dest_length) return throw_type_error(env, "copyRows: a row lies outside src or dest");
  for (size_t r = 0; r < rows; r++) memmove(dest + dest_offset + r * dest_stride, src + src_offset + r * src_stride, row_bytes);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "decode", NAPI_AUTO_LENGTH, decode, NULL, &fn);
  napi_set_named_property(env, exports, "decode", fn);
  napi_create_function(env, "decodeFile", NAPI_AUTO_LENGTH, decode_file, NULL, &fn);
  napi_set_named_property(env, exports, "decodeFile", fn);
  napi_create_function(env, "copyRows", NAPI_AUTO_LENGTH, copy_rows, NULL, &fn);
  napi_set_named_property(env, exports, "copyRows", fn);
  return exports;
}
