// SPDX-License-Identifier: GPL-2.0-only
/* Scenario: the ABI header compiles as C++17 and has the expected layout. */
#include "layout_asserts.h"

#include <type_traits>

static_assert(std::is_standard_layout<wd_sqe>::value, "wd_sqe is standard layout");
static_assert(std::is_trivially_copyable<wd_cqe>::value, "wd_cqe is trivially copyable");

int main()
{
	wd_sqe sqe{};
	sqe.opcode = WD_OP_COPY;
	return sqe.opcode == WD_OP_COPY ? 0 : 1;
}
