// SPDX-License-Identifier: GPL-2.0-only
/* Scenario: the ABI header compiles as strict C11 and has the expected layout. */
#include "layout_asserts.h"

int main(void)
{
	struct wd_sqe sqe = { .opcode = WD_OP_NOP, .user_data = 1 };

	return sqe.opcode == WD_OP_NOP ? 0 : 1;
}
