/*
 * quotalevy_lua.i — the Lua 5.4 side of the SWIG interface.
 *
 * SWIG generates the C module `quotalevy.core` from ../quotalevy.i; the
 * module Lua programs require, `quotalevy` (quotalevy.lua), is written in
 * Lua on top of it.  What this file adds is only what is Lua's:
 *
 *   - an error is raised as a Lua error whose value is a table with
 *     status, message, file, line, column, field and text, and the
 *     metatable quotalevy.Error (tostring gives the text), so
 *     `local ok, e = pcall(...)` gets at each part;
 *   - bytes cross as Lua strings, which hold NULs: the batch's packed
 *     records in, its packed results out;
 *   - ql_status returns push nothing (a failure has raised).
 */
%module quotalevy_core

%{
#include "lua.h"
#include "lauxlib.h"
#include <string.h>
#include "quotalevy.h"

#define QL_LUA_ERROR "quotalevy.Error"

static int ql_lua_error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "text");
    if (!lua_isstring(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, 1, "message");
    }
    return 1;
}

/* Pushes the error metatable, made on first use. */
static void ql_lua_error_mt(lua_State *L)
{
    if (luaL_newmetatable(L, QL_LUA_ERROR)) {
        lua_pushcfunction(L, ql_lua_error_tostring);
        lua_setfield(L, -2, "__tostring");
    }
}

static int ql_lua_error_metatable(lua_State *L)
{
    ql_lua_error_mt(L);
    return 1;
}

static void ql_lua_set(lua_State *L, const char *key, const char *value)
{
    if (value && *value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

/* Pushes the error object of a filled ql_error. */
static void ql_lua_push_error(lua_State *L, const ql_error *e)
{
    char text[QL_ERROR_FILE_MAX + QL_ERROR_FIELD_MAX + QL_ERROR_MESSAGE_MAX + 64];
    ql_error_format(text, sizeof text, e);
    lua_createtable(L, 0, 8);
    ql_lua_set(L, "status", ql_status_name(e->code));
    ql_lua_set(L, "message", e->message);
    ql_lua_set(L, "file", e->file);
    if (e->line) {
        lua_pushinteger(L, e->line);
        lua_setfield(L, -2, "line");
    }
    if (e->column) {
        lua_pushinteger(L, e->column);
        lua_setfield(L, -2, "column");
    }
    ql_lua_set(L, "field", e->field);
    ql_lua_set(L, "text", text);
    ql_lua_error_mt(L);
    lua_setmetatable(L, -2);
}

#define QL_SWIG_RAISE(e) do { ql_lua_push_error(L, (e)); SWIG_fail; } while (0)
%}

%native(error_metatable) int ql_lua_error_metatable(lua_State *L);

/* A C string in: a Lua string holding a NUL is refused, never read cut
 * short at it (a path "jilin.yaml\0x" would load jilin.yaml, a field
 * name "employees\0x" would set employees). */
%typemap(in, checkfn="SWIG_lua_isnilstring") const char * (size_t len) {
    $1 = ($ltype)lua_tolstring(L, $input, &len);
    if ($1 && memchr($1, '\0', len)) {
        ql_error e;
        ql_error_clear(&e);
        e.code = QL_EINVAL;
        snprintf(e.message, sizeof e.message,
                 "argument %d holds a NUL character", $argnum);
        QL_SWIG_RAISE(&e);
    }
}

/* Bytes in: a Lua string, NULs and all. */
%typemap(in) (const char *data, size_t len) {
    $1 = (char *)luaL_checklstring(L, $input, &$2);
}

/* Bytes out: a Lua string from the malloc'd buffer, which is freed. */
%typemap(out) ql_swig_bytes {
    if (!$1.data) {
        lua_pushstring(L, "quotalevy: out of memory in a batch");
        SWIG_fail;
    }
    lua_pushlstring(L, $1.data, $1.len);
    free($1.data);
    SWIG_arg++;
}

/* A status pushes nothing: a failure has raised. */
%typemap(out) ql_status ""

%include "../quotalevy.i"
