// SPDX-License-Identifier: GPL-2.0
#include "test.h"
#include "lib/log.h"

PL_TEST(unit, exit_codes_are_distinct)
{
	ASSERT_NEQ(PL_EXIT_FAIL, PL_EXIT_INPUT, "fail vs input");
	ASSERT_NEQ(PL_EXIT_ENV, PL_EXIT_RUNTIME, "env vs runtime");
}
