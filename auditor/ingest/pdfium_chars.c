/* A page's objects and a text page's characters read from PDFium in one call each
   (auditor/ingest/pdfium_native.py).

   Plain C, linked against nothing: the caller hands over the addresses of the PDFium functions
   that pypdfium2 loaded, and arrays of n entries (the matrix four floats and the colour three
   uints an entry) that this fills for characters 0 .. n-1 of the text page, with the very calls
   auditor/ingest/pdf_pdfium.py otherwise makes one by one from Python:

     FPDFText_GetTextObject, FPDFText_IsGenerated, FPDFText_GetCharOrigin (per character),
     FPDFText_GetMatrix, FPDFText_GetFontSize, FPDFText_GetFillColor, FPDFTextObj_GetFont
     (what a character's text object shares: the caller reads them at a run's first character);
     FPDFPage_GetObject and FPDFPageObj_GetType for each object of a page, and for each path
     among them FPDFPath_CountSegments, FPDFPath_GetPathSegment (the first and the last),
     FPDFPageObj_GetMatrix, FPDFPath_GetDrawMode, FPDFPageObj_GetStrokeColor and _GetFillColor
     into one record (struct path, read in Python as pdfium_native._PATH).

   A call that fails leaves its entry as the Python calls leave their out-parameters: the origin
   the previous character's, the matrix and the colour zero with their flag 0. */
#include <stdint.h>
#include <string.h>

typedef void *(*text_object_fn)(void *page, int i);
typedef int (*generated_fn)(void *page, int i);
typedef int (*origin_fn)(void *page, int i, double *x, double *y);
typedef int (*matrix_fn)(void *page, int i, float *matrix); /* FS_MATRIX: a b c d e f */
typedef double (*size_fn)(void *page, int i);
typedef int (*fill_fn)(void *page, int i, unsigned *r, unsigned *g, unsigned *b, unsigned *a);
typedef void *(*font_fn)(void *text_object);
typedef void *(*object_fn)(void *page, int i);
typedef int (*type_fn)(void *object);
typedef int (*segments_fn)(void *path);
typedef void *(*segment_fn)(void *path, int i);
typedef int (*object_matrix_fn)(void *object, float *matrix);
typedef int (*draw_mode_fn)(void *path, int *fill_mode, int *stroke);
typedef int (*color_fn)(void *object, unsigned *r, unsigned *g, unsigned *b, unsigned *a);

struct path { /* 96 bytes, every field on its natural alignment */
    uint64_t first, last;    /* the first and the last segment (when there are two or more) */
    int32_t segments, has_matrix;
    float matrix[6];
    int32_t fill_mode, stroke;
    int32_t has_stroke_color;
    uint32_t stroke_color[4];
    int32_t has_fill_color;
    uint32_t fill_color[4];
};

const char *auditor_source_hash(void) { return AUDITOR_SOURCE_HASH; }

int auditor_text_chars(void *const *fns, void *page, int n,
                       uint64_t *objects, double *xs, double *ys, int32_t *generated,
                       int32_t *has_matrix, float *matrices, double *sizes, uint64_t *fonts,
                       int32_t *has_fill, uint32_t *rgbs)
{
    text_object_fn text_object = (text_object_fn)fns[0];
    generated_fn is_generated = (generated_fn)fns[1];
    origin_fn origin = (origin_fn)fns[2];
    matrix_fn matrix = (matrix_fn)fns[3];
    size_fn size = (size_fn)fns[4];
    fill_fn fill = (fill_fn)fns[5];
    font_fn font = (font_fn)fns[6];
    double x = 0.0, y = 0.0;
    void *last = 0, *last_font = 0;
    int i;
    for (i = 0; i < n; i++) {
        float m[6];
        unsigned rgba[4];
        void *obj = text_object(page, i);
        objects[i] = (uint64_t)(uintptr_t)obj;
        generated[i] = is_generated(page, i);
        origin(page, i, &x, &y);
        xs[i] = x;
        ys[i] = y;
        if (matrix(page, i, m)) {
            has_matrix[i] = 1;
            memcpy(matrices + 4 * i, m, 4 * sizeof(float));
        } else {
            has_matrix[i] = 0;
            memset(matrices + 4 * i, 0, 4 * sizeof(float));
        }
        sizes[i] = size(page, i);
        if (i == 0 || obj != last) { /* (one call per text object: its font is the same) */
            last_font = font(obj);
            last = obj;
        }
        fonts[i] = (uint64_t)(uintptr_t)last_font;
        if (fill(page, i, rgba, rgba + 1, rgba + 2, rgba + 3)) {
            has_fill[i] = 1;
            memcpy(rgbs + 3 * i, rgba, 3 * sizeof(unsigned));
        } else {
            has_fill[i] = 0;
            memset(rgbs + 3 * i, 0, 3 * sizeof(unsigned));
        }
    }
    return n;
}

int auditor_page_objects(void *const *fns, void *page, int n, uint64_t *objects, int32_t *types,
                         int path_type, struct path *paths)
{
    object_fn object = (object_fn)fns[7];
    type_fn type = (type_fn)fns[8];
    segments_fn segments = (segments_fn)fns[9];
    segment_fn segment = (segment_fn)fns[10];
    object_matrix_fn object_matrix = (object_matrix_fn)fns[11];
    draw_mode_fn draw_mode = (draw_mode_fn)fns[12];
    color_fn stroke_color = (color_fn)fns[13], fill_color = (color_fn)fns[14];
    int fill_mode = 0, stroke = 0; /* (left as they were when a call fails, as in Python) */
    int i;
    if (sizeof(struct path) != 96)
        return -1;
    for (i = 0; i < n; i++) {
        void *obj = object(page, i);
        struct path *p = paths + i;
        objects[i] = (uint64_t)(uintptr_t)obj;
        types[i] = type(obj);
        memset(p, 0, sizeof *p);
        if (types[i] != path_type)
            continue;
        p->segments = segments(obj);
        if (p->segments > 1) {
            p->first = (uint64_t)(uintptr_t)segment(obj, 0);
            p->last = (uint64_t)(uintptr_t)segment(obj, p->segments - 1);
        }
        if (object_matrix(obj, p->matrix))
            p->has_matrix = 1;
        else
            memset(p->matrix, 0, sizeof p->matrix);
        draw_mode(obj, &fill_mode, &stroke);
        p->fill_mode = fill_mode;
        p->stroke = stroke;
        p->has_stroke_color = stroke_color(obj, p->stroke_color, p->stroke_color + 1,
                                           p->stroke_color + 2, p->stroke_color + 3) ? 1 : 0;
        if (!p->has_stroke_color)
            memset(p->stroke_color, 0, sizeof p->stroke_color);
        p->has_fill_color = fill_color(obj, p->fill_color, p->fill_color + 1,
                                       p->fill_color + 2, p->fill_color + 3) ? 1 : 0;
        if (!p->has_fill_color)
            memset(p->fill_color, 0, sizeof p->fill_color);
    }
    return n;
}
