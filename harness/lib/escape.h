/* SPDX-License-Identifier: GPL-2.0 */
/* Text escaped for the reports podlab writes (JUnit XML, JSON, one-line messages). */
#ifndef PL_ESCAPE_H
#define PL_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* s with < > & " as entities, for XML text and attribute values; NULL prints nothing. */
void pl_xml_escape(FILE *f, const char *s);
/* s as a JSON string, quotes included: " and \ escaped, control characters as \u00XX. */
void pl_json_string(FILE *f, const char *s);
/*
 * s kept on one line, for messages that quote what a user wrote: newline and
 * carriage return as \n and \r, other control characters as \xHH (tabs stay).
 */
void pl_oneline_escape(FILE *f, const char *s);
/* The same into buf, cut to len and always terminated; returns buf. */
char *pl_oneline_str(char *buf, size_t len, const char *s);

#endif /* PL_ESCAPE_H */
