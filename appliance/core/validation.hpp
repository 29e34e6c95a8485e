#pragma once
// Normalizers for values that come from outside (forms, imports, the API).
// Each returns the one canonical form we store and compare, or
// ErrorCode::invalid_argument with a short English message. The message says
// what is wrong but never names the field (the caller prefixes it, e.g.
// "snils: wrong check number") and never echoes the value: these are personal
// data and error messages end up in logs.
//
// Standard library only (STYLE.md habit 1): no ICU, so the Unicode rules
// below are explicit code point ranges, written for Russian schools.

#include <string>
#include <string_view>

#include "appliance/core/result.hpp"

namespace parta::core {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(std::string_view s);

// СНИЛС. Accepts 11 digits with optional spaces and hyphens ("112-233-445 95",
// "11223344595"). Canonical "XXX-XXX-XXX YY".
//
// Check number (Pension Fund rule): sum of digit_i * (10 - i) over the first
// nine digits, i = 1..9 from the left; below 100 the sum itself, 100 or 101
// give 00, above 101 the sum mod 101 (and 100 again gives 00). Numbers up to
// 001-001-998 were issued before the check number existed and are not
// checked. The issuing rule "no digit three times in a row" is deliberately
// not enforced: it constrained issuance, and refusing a real person's number
// on it would be worse than accepting a typo it might catch. All zeros is
// refused: it is a placeholder, never a real number.
Result<std::string> normalizeSnils(std::string_view input);

// ИНН: 10 digits (an organisation, one check digit) or 12 digits (a person,
// two check digits), checked with the Federal Tax Service weights. Spaces
// are tolerated. Canonical: digits only.
Result<std::string> normalizeInn(std::string_view input);

// Telephone numbers. Russian numbers in the usual shapes ("+7 (912) 345-67-89",
// "8 912 345 67 89", "9123456789") become "+79123456789". Other countries must
// be written "+<country code><number>", 8 to 15 digits in all (E.164), and
// become "+<digits>". Spaces, hyphens, dots and parentheses are ignored.
Result<std::string> normalizePhone(std::string_view input);

// A calendar date "YYYY-MM-DD" or "DD.MM.YYYY" (two-digit day and month),
// real (leap years counted) and between 1900-01-01 and 2100-12-31.
// Canonical "YYYY-MM-DD".
Result<std::string> normalizeDate(std::string_view input);

// A pragmatic e-mail check, not RFC 5322: exactly one '@', a local part of
// 1..64 bytes, a domain with a dot and no empty labels, no spaces or control
// characters, at most 254 bytes, valid UTF-8. Surrounding whitespace is
// trimmed. Only the domain is lower-cased: the local part is case-sensitive
// by the standard, and some mail servers honour that.
Result<std::string> normalizeEmail(std::string_view input);

// One part of a person's name (surname, first name or patronymic): letters
// (Cyrillic including Ё/ё and the letters of other languages of Russia,
// Latin including accented letters), hyphens, apostrophes and single spaces
// inside. Trims, collapses runs of spaces, maps the typographic apostrophes
// ’ (U+2019) and ʼ (U+02BC) to ', and composes the decomposed "е + ̈" and
// "и + ̆" that some keyboards produce into Ё/ё and Й/й. Ё is never folded
// to Е: it is a different letter in documents. 1 to 100 characters.
Result<std::string> normalizePersonName(std::string_view input);

}  // namespace parta::core
