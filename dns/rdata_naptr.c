/* NAPTR regexp field (RFC 3403 §4.1): empty, or
 * delim-char ERE delim-char replacement delim-char [i], checked the way
 * BIND checks it so both accept the same zones. */
#include "dns/rdata_impl.h"

/* Counts unescaped "(" outside bracket expressions; -1 when parentheses
 * do not balance. */
static int subexpressions(const uint8_t *re, size_t len)
{
	int open = 0, groups = 0;
	bool bracket = false;

	for (size_t i = 0; i < len; i++) {
		if (re[i] == '\\') {
			i++;
		} else if (bracket) {
			bracket = re[i] != ']';
		} else if (re[i] == '[') {
			bracket = true;
			if (i + 1 < len && re[i + 1] == ']')
				i++;
		} else if (re[i] == '(') {
			open++, groups++;
		} else if (re[i] == ')' && --open < 0) {
			return -1;
		}
	}
	return open || bracket ? -1 : groups;
}

/* Walks delim ERE delim repl delim flags; returns the highest \N used in
 * the replacement, or -1 on a syntax error. ere and erelen get the ERE. */
static int split_regexp(const uint8_t *v, size_t len, const uint8_t **ere,
			size_t *erelen)
{
	uint8_t delim = v[0];
	int part = 0, nsub = 0;

	if ((delim >= '0' && delim <= '9') || delim == '\\' || delim == 'i' ||
	    delim == 0)
		return -1;
	*ere = v + 1;
	for (size_t i = 1; i < len; i++) {
		if (v[i] == 0)
			return -1;
		if (v[i] == delim) {
			if (++part > 2)
				return -1;
			if (part == 1)
				*erelen = i - 1;
			continue;
		}
		if (part == 2) {
			if (v[i] != 'i')
				return -1;
			continue;
		}
		if (v[i] != '\\')
			continue;
		if (++i == len || v[i] == 0 || (part == 1 && v[i] == '0'))
			return -1;
		if (part == 1 && v[i] > '0' && v[i] <= '9' && v[i] - '0' > nsub)
			nsub = v[i] - '0';
	}
	return part == 2 ? nsub : -1;
}

int zw_rd_naptr_validate(const uint8_t *rd, const size_t *off)
{
	const uint8_t *re = rd + off[4] + 1, *ere = NULL;
	size_t len = rd[off[4]], erelen = 0;
	int nsub;

	if (len == 0)
		return -1;
	nsub = split_regexp(re, len, &ere, &erelen);
	if (nsub < 0 || subexpressions(ere, erelen) < nsub)
		return 4;
	return -1;
}
