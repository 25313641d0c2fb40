/* SPDX-License-Identifier: GPL-2.0 */
/* Text escaped for the reports podlab writes (JUnit XML, JSON). */
#ifndef PL_ESCAPE_H
#define PL_ESCAPE_H

#include <stdio.h>

/* s with < > & " as entities, for XML text and attribute values; NULL prints nothing. */
void pl_xml_escape(FILE *f, const char *s);
/* s as a JSON string, quotes included: " and \ escaped, control characters as \u00XX. */
void pl_json_string(FILE *f, const char *s);

#endif /* PL_ESCAPE_H */
