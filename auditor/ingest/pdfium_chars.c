/* A page's objects and a text page's characters read from PDFium in one call each
   (auditor/ingest/pdfium_native.py).

   Plain C, linked against nothing: the caller hands over the addresses of the PDFium functions
   that pypdfium2 loaded, and arrays of n entries (the matrix four floats and the colour three
   uints an entry) that this fills for characters 0 .. n-1 of the text page, with the very calls
   auditor/ingest/pdf_pdfium.py otherwise makes one by one from Python:

     FPDFText_GetTextObject, FPDFText_IsGenerated, FPDFText_GetCharOrigin (per character),
     FPDFText_GetMatrix, FPDFText_GetFontSize, FPDFText_GetFillColor, FPDFTextObj_GetFont
     (what a character's text object shares: the caller reads them at a run's first character);
     FPDFPage_GetObject and FPDFPageObj_GetType for each object of a page.

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

int auditor_page_objects(void *const *fns, void *page, int n, uint64_t *objects, int32_t *types)
{
    object_fn object = (object_fn)fns[7];
    type_fn type = (type_fn)fns[8];
    int i;
    for (i = 0; i < n; i++) {
        void *obj = object(page, i);
        objects[i] = (uint64_t)(uintptr_t)obj;
        types[i] = type(obj);
    }
    return n;
}
