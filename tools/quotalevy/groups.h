/*
 * groups.h — the groups of a summary (`run --summary --group-by`,
 * `compare --summary --group-by`): a hash table from a group's key (the
 * texts of its key columns) to a zeroed block of the caller's running
 * totals.  Found in constant time however many groups there are — a
 * province summarised by unit has one group per row.
 */
#ifndef QL_GROUPS_H
#define QL_GROUPS_H

#include <stddef.h>

#include <quotalevy.h>

typedef struct group_entry {
    char *key;      /* the key columns' texts, each followed by a NUL */
    size_t key_len; /* the bytes of key, NULs included */
    void *data;     /* the caller's block, data_size bytes, made zeroed */
} group_entry;

typedef struct group_table group_table;

/* An empty table whose groups each carry data_size bytes; NULL out of
 * memory. */
group_table *groups_new(size_t data_size);
/* Frees the table, its keys and blocks (what a block points to is the
 * caller's); NULL does nothing. */
void groups_free(group_table *t);
/* The group of the key columns cols[0…ncols−1] (lengths in len), made if
 * new; NULL out of memory.  The entry stays where it is until the next
 * group is made. */
group_entry *groups_find(group_table *t, const char *const *cols,
                         const size_t *len, size_t ncols);
/* The same for a key already joined as group_entry.key is (merging one
 * table into another). */
group_entry *groups_find_key(group_table *t, const char *key, size_t n);
size_t groups_count(const group_table *t);
/* Group i, in the order the groups were made. */
const group_entry *groups_at(const group_table *t, size_t i);
/* The groups ordered by key, column by column (ncols of them): a column
 * whose by_value flag is set (by_value NULL: none) holds numbers and is
 * ordered by their value (2 before 10), the empty key first; any other
 * column byte by byte.  An array of groups_count entries for the caller
 * to free, valid until the next group is made; NULL out of memory. */
const group_entry **groups_sorted(const group_table *t, size_t ncols,
                                  const unsigned char *by_value);

/* Whether input i of rs holds numbers (a key column ordered by value). */
int groups_input_is_number(const ql_ruleset *rs, size_t i);
/* The key text of a value as the rules read it, so that one value is one
 * group whatever its text in the file: a bool "true"/"false" (not yes,
 * 1, TRUE), a number by its value at `places` (the input's scale,
 * ql_ruleset_input_scale: 118.0 and 118 are 118.00 for a scale of 2,
 * money at its currency's places; with places < 0 without trailing
 * zeros), a date YYYY-MM-DD, an enum's value as declared, "" for none.
 * The text is in buf (size bytes, at least QL_DECIMAL_TEXT_MAX * 2) or,
 * for strings, borrowed from v; its length in *len. */
const char *groups_value_key(const ql_value *v, int places, char *buf,
                             size_t size, size_t *len);
/* The same for a number input's text as written in a row the rules
 * could not read (compare's 'not compared'): its value's key when it is
 * a plain decimal, so that the row joins its value's group; else NULL. */
const char *groups_text_key(const char *text, size_t n, int places, char *buf,
                            size_t size, size_t *len);

#endif
