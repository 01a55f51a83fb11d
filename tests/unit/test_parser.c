/* Parser tests: the `-d ast` dump of representative programs (every operator at
 * its precedence, every statement kind, casts, tuples, maps, attach points,
 * predicates, comments), and every one-liner of the in-tree copies of the shared lists parsing cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glob.h>

#include "fe_helpers.h"

static const struct fe_case parse_cases[] = {
	{
		.name = "arith_precedence",
		.src =
			"BEGIN { $a = 1 + 2 * 3 - 4 / 5 % 6; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-38\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-35\n"
			"   var $a 1:9-11\n"
			"   - 1:14-35\n"
			"    + 1:14-23\n"
			"     int 1 1:14-15\n"
			"     * 1:18-23\n"
			"      int 2 1:18-19\n"
			"      int 3 1:22-23\n"
			"    % 1:26-35\n"
			"     / 1:26-31\n"
			"      int 4 1:26-27\n"
			"      int 5 1:30-31\n"
			"     int 6 1:34-35\n",
	},
	{
		.name = "bit_logic_precedence",
		.src =
			"BEGIN { $a = 1 << 2 < 3 == 4 & 5 ^ 6 | 7 && 8 || 9; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-54\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-51\n"
			"   var $a 1:9-11\n"
			"   || 1:14-51\n"
			"    && 1:14-46\n"
			"     | 1:14-41\n"
			"      ^ 1:14-37\n"
			"       & 1:14-33\n"
			"        == 1:14-29\n"
			"         < 1:14-24\n"
			"          << 1:14-20\n"
			"           int 1 1:14-15\n"
			"           int 2 1:19-20\n"
			"          int 3 1:23-24\n"
			"         int 4 1:28-29\n"
			"        int 5 1:32-33\n"
			"       int 6 1:36-37\n"
			"      int 7 1:40-41\n"
			"     int 8 1:45-46\n"
			"    int 9 1:50-51\n",
	},
	{
		.name = "comparisons",
		.src =
			"BEGIN { $a = 1 <= 2 != 3 >= 4 > 5 >> 1; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-42\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-39\n"
			"   var $a 1:9-11\n"
			"   != 1:14-39\n"
			"    <= 1:14-20\n"
			"     int 1 1:14-15\n"
			"     int 2 1:19-20\n"
			"    > 1:24-39\n"
			"     >= 1:24-30\n"
			"      int 3 1:24-25\n"
			"      int 4 1:29-30\n"
			"     >> 1:33-39\n"
			"      int 5 1:33-34\n"
			"      int 1 1:38-39\n",
	},
	{
		.name = "ternary_right_assoc",
		.src =
			"BEGIN { $a = $x ? 1 : $y ? 2 : 3; $b = $p || $q ? $r : $s; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-61\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-33\n"
			"   var $a 1:9-11\n"
			"   ?: 1:14-33\n"
			"    var $x 1:14-16\n"
			"    int 1 1:19-20\n"
			"    ?: 1:23-33\n"
			"     var $y 1:23-25\n"
			"     int 2 1:28-29\n"
			"     int 3 1:32-33\n"
			"  assign = 1:35-58\n"
			"   var $b 1:35-37\n"
			"   ?: 1:40-58\n"
			"    || 1:40-48\n"
			"     var $p 1:40-42\n"
			"     var $q 1:46-48\n"
			"    var $r 1:51-53\n"
			"    var $s 1:56-58\n",
	},
	{
		.name = "unary",
		.src =
			"BEGIN { $a = -1 + !$b * ~$c - +2; $p = *$q; $r = &$s; $t = -$u.f; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-68\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-33\n"
			"   var $a 1:9-11\n"
			"   - 1:14-33\n"
			"    + 1:14-28\n"
			"     unary - 1:14-16\n"
			"      int 1 1:15-16\n"
			"     * 1:19-28\n"
			"      unary ! 1:19-22\n"
			"       var $b 1:20-22\n"
			"      unary ~ 1:25-28\n"
			"       var $c 1:26-28\n"
			"    unary + 1:31-33\n"
			"     int 2 1:32-33\n"
			"  assign = 1:35-43\n"
			"   var $p 1:35-37\n"
			"   unary * 1:40-43\n"
			"    var $q 1:41-43\n"
			"  assign = 1:45-53\n"
			"   var $r 1:45-47\n"
			"   unary & 1:50-53\n"
			"    var $s 1:51-53\n"
			"  assign = 1:55-65\n"
			"   var $t 1:55-57\n"
			"   unary - 1:60-65\n"
			"    .f 1:61-65\n"
			"     var $u 1:61-63\n",
	},
	{
		.name = "incdec",
		.src =
			"BEGIN { $i++; $i--; ++@x; --@y[1]; @z++; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-43\n"
			"  attach BEGIN 1:1-6\n"
			"  post++ 1:9-13\n"
			"   var $i 1:9-11\n"
			"  post-- 1:15-19\n"
			"   var $i 1:15-17\n"
			"  pre++ 1:21-25\n"
			"   map @x 1:23-25\n"
			"  pre-- 1:27-34\n"
			"   map @y 1:29-34\n"
			"    int 1 1:32-33\n"
			"  post++ 1:36-40\n"
			"   map @z 1:36-38\n",
	},
	{
		.name = "compound_assign",
		.src =
			"BEGIN { @a += 1; @a -= 1; @a *= 2; @a /= 2; @a %= 3; @a &= 4; @a |= 5; @a ^= 6; @a <<= 7; @a >>= 8; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-102\n"
			"  attach BEGIN 1:1-6\n"
			"  assign += 1:9-16\n"
			"   map @a 1:9-11\n"
			"   int 1 1:15-16\n"
			"  assign -= 1:18-25\n"
			"   map @a 1:18-20\n"
			"   int 1 1:24-25\n"
			"  assign *= 1:27-34\n"
			"   map @a 1:27-29\n"
			"   int 2 1:33-34\n"
			"  assign /= 1:36-43\n"
			"   map @a 1:36-38\n"
			"   int 2 1:42-43\n"
			"  assign %= 1:45-52\n"
			"   map @a 1:45-47\n"
			"   int 3 1:51-52\n"
			"  assign &= 1:54-61\n"
			"   map @a 1:54-56\n"
			"   int 4 1:60-61\n"
			"  assign |= 1:63-70\n"
			"   map @a 1:63-65\n"
			"   int 5 1:69-70\n"
			"  assign ^= 1:72-79\n"
			"   map @a 1:72-74\n"
			"   int 6 1:78-79\n"
			"  assign <<= 1:81-89\n"
			"   map @a 1:81-83\n"
			"   int 7 1:88-89\n"
			"  assign >>= 1:91-99\n"
			"   map @a 1:91-93\n"
			"   int 8 1:98-99\n",
	},
	{
		.name = "statements",
		.src =
			"BEGIN { if ($x > 1) { @a = 1; } else if ($x < 0) { @b = 2 } else { @c = 3; } while ($i < 10) { $i++; if ($i == 5) { break; } continue; } unroll(3) { $j += 1 } { @nested = 1; } return; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-186\n"
			"  attach BEGIN 1:1-6\n"
			"  if 1:9-77\n"
			"   > 1:13-19\n"
			"    var $x 1:13-15\n"
			"    int 1 1:18-19\n"
			"   then\n"
			"    assign = 1:23-29\n"
			"     map @a 1:23-25\n"
			"     int 1 1:28-29\n"
			"   else\n"
			"    if 1:38-77\n"
			"     < 1:42-48\n"
			"      var $x 1:42-44\n"
			"      int 0 1:47-48\n"
			"     then\n"
			"      assign = 1:52-58\n"
			"       map @b 1:52-54\n"
			"       int 2 1:57-58\n"
			"     else\n"
			"      assign = 1:68-74\n"
			"       map @c 1:68-70\n"
			"       int 3 1:73-74\n"
			"  while 1:78-137\n"
			"   < 1:85-92\n"
			"    var $i 1:85-87\n"
			"    int 10 1:90-92\n"
			"   body\n"
			"    post++ 1:96-100\n"
			"     var $i 1:96-98\n"
			"    if 1:102-125\n"
			"     == 1:106-113\n"
			"      var $i 1:106-108\n"
			"      int 5 1:112-113\n"
			"     then\n"
			"      break 1:117-122\n"
			"    continue 1:126-134\n"
			"  unroll 1:138-159\n"
			"   int 3 1:145-146\n"
			"   body\n"
			"    assign += 1:150-157\n"
			"     var $j 1:150-152\n"
			"     int 1 1:156-157\n"
			"  assign = 1:162-173\n"
			"   map @nested 1:162-169\n"
			"   int 1 1:172-173\n"
			"  return 1:177-183\n",
	},
	{
		.name = "return_value",
		.src =
			"BEGIN { return 1 + 2 }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-23\n"
			"  attach BEGIN 1:1-6\n"
			"  return 1:9-21\n"
			"   + 1:16-21\n"
			"    int 1 1:16-17\n"
			"    int 2 1:20-21\n",
	},
	{
		.name = "empty_statements",
		.src =
			"BEGIN { ; ; @x = 1;; } END { }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-23\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:13-19\n"
			"   map @x 1:13-15\n"
			"   int 1 1:18-19\n"
			" probe 1:24-31\n"
			"  attach END 1:24-27\n",
	},
	{
		.name = "casts",
		.src =
			"BEGIN { $a = (uint32)$x; $b = (int8)-1; $c = (struct task_struct *)curtask; $d = (union foo **)0; $e = (uint8 *)arg0; $f = (unsigned long)$x; $g = (enum e)1; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-160\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-24\n"
			"   var $a 1:9-11\n"
			"   cast (uint32) 1:14-24\n"
			"    var $x 1:22-24\n"
			"  assign = 1:26-39\n"
			"   var $b 1:26-28\n"
			"   cast (int8) 1:31-39\n"
			"    unary - 1:37-39\n"
			"     int 1 1:38-39\n"
			"  assign = 1:41-75\n"
			"   var $c 1:41-43\n"
			"   cast (struct task_struct *) 1:46-75\n"
			"    ident curtask 1:68-75\n"
			"  assign = 1:77-97\n"
			"   var $d 1:77-79\n"
			"   cast (union foo **) 1:82-97\n"
			"    int 0 1:96-97\n"
			"  assign = 1:99-117\n"
			"   var $e 1:99-101\n"
			"   cast (uint8 *) 1:104-117\n"
			"    ident arg0 1:113-117\n"
			"  assign = 1:119-141\n"
			"   var $f 1:119-121\n"
			"   cast (unsigned long) 1:124-141\n"
			"    var $x 1:139-141\n"
			"  assign = 1:143-157\n"
			"   var $g 1:143-145\n"
			"   cast (enum e) 1:148-157\n"
			"    int 1 1:156-157\n",
	},
	{
		.name = "fields",
		.src =
			"tracepoint:syscalls:sys_enter_openat { @[args->filename, args.flags] = count(); $x = args->a->b[2].c; @d = ((struct path *)arg0)->dentry->d_name.name; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-153\n"
			"  attach tracepoint:syscalls:sys_enter_openat 1:1-37\n"
			"  assign = 1:40-79\n"
			"   map @ 1:40-69\n"
			"    ->filename 1:42-56\n"
			"     ident args 1:42-46\n"
			"    .flags 1:58-68\n"
			"     ident args 1:58-62\n"
			"   call count 1:72-79\n"
			"  assign = 1:81-101\n"
			"   var $x 1:81-83\n"
			"   .c 1:86-101\n"
			"    [] 1:86-99\n"
			"     ->b 1:86-96\n"
			"      ->a 1:86-93\n"
			"       ident args 1:86-90\n"
			"     int 2 1:97-98\n"
			"  assign = 1:103-150\n"
			"   map @d 1:103-105\n"
			"   .name 1:108-150\n"
			"    ->d_name 1:108-145\n"
			"     ->dentry 1:108-137\n"
			"      cast (struct path *) 1:109-128\n"
			"       ident arg0 1:124-128\n",
	},
	{
		.name = "tuples",
		.src =
			"BEGIN { @t = (1, \"two\", (3, 4)); print(($x)); print(@t.1); }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-61\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-32\n"
			"   map @t 1:9-11\n"
			"   tuple 1:14-32\n"
			"    int 1 1:15-16\n"
			"    string \"two\" 1:18-23\n"
			"    tuple 1:25-31\n"
			"     int 3 1:26-27\n"
			"     int 4 1:29-30\n"
			"  call print 1:34-45\n"
			"   var $x 1:41-43\n"
			"  call print 1:47-58\n"
			"   .1 1:53-57\n"
			"    map @t 1:53-55\n",
	},
	{
		.name = "maps",
		.src =
			"BEGIN { @ = 1; @[1] = 2; @m[1, \"a\", comm] = 3; @n[@m[1, \"a\", comm]]++; delete(@m[1, \"a\", comm]); }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-99\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-14\n"
			"   map @ 1:9-10\n"
			"   int 1 1:13-14\n"
			"  assign = 1:16-24\n"
			"   map @ 1:16-20\n"
			"    int 1 1:18-19\n"
			"   int 2 1:23-24\n"
			"  assign = 1:26-46\n"
			"   map @m 1:26-42\n"
			"    int 1 1:29-30\n"
			"    string \"a\" 1:32-35\n"
			"    ident comm 1:37-41\n"
			"   int 3 1:45-46\n"
			"  post++ 1:48-70\n"
			"   map @n 1:48-68\n"
			"    map @m 1:51-67\n"
			"     int 1 1:54-55\n"
			"     string \"a\" 1:57-60\n"
			"     ident comm 1:62-66\n"
			"  call delete 1:72-96\n"
			"   map @m 1:79-95\n"
			"    int 1 1:82-83\n"
			"    string \"a\" 1:85-88\n"
			"    ident comm 1:90-94\n",
	},
	{
		.name = "literals",
		.src =
			"BEGIN { $a = 0x1F + 017 + 1_000_000 + 10u + 20UL + 30ll + 0 + 1e6 + 18446744073709551615; $b = 'A' + '\\n' + '\\x41'; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-118\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-89\n"
			"   var $a 1:9-11\n"
			"   + 1:14-89\n"
			"    + 1:14-66\n"
			"     + 1:14-60\n"
			"      + 1:14-56\n"
			"       + 1:14-49\n"
			"        + 1:14-42\n"
			"         + 1:14-36\n"
			"          + 1:14-24\n"
			"           int 31 1:14-18\n"
			"           int 15 1:21-24\n"
			"          int 1000000 1:27-36\n"
			"         int 10u 1:39-42\n"
			"        int 20u 1:45-49\n"
			"       int 30 1:52-56\n"
			"      int 0 1:59-60\n"
			"     int 1000000 1:63-66\n"
			"    int 18446744073709551615u 1:69-89\n"
			"  assign = 1:91-115\n"
			"   var $b 1:91-93\n"
			"   + 1:96-115\n"
			"    + 1:96-106\n"
			"     int 65 1:96-99\n"
			"     int 10 1:102-106\n"
			"    int 65 1:109-115\n",
	},
	{
		.name = "string_escapes",
		.src =
			"BEGIN { printf(\"a\\tb\\\\c\\\"d\\x41\\101\\0e\\r\\'\\n\"); }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-49\n"
			"  attach BEGIN 1:1-6\n"
			"  call printf 1:9-46\n"
			"   string \"a\\tb\\\\c\\\"dAA\\x00e\\r'\\n\" 1:16-45\n",
	},
	{
		.name = "posparams",
		.src =
			"BEGIN { printf(\"%d %s %d\\n\", $1, str($2), $#); }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-49\n"
			"  attach BEGIN 1:1-6\n"
			"  call printf 1:9-46\n"
			"   string \"%d %s %d\\n\" 1:16-28\n"
			"   param $1 1:30-32\n"
			"   call str 1:34-41\n"
			"    param $2 1:38-40\n"
			"   param $# 1:43-45\n",
	},
	{
		.name = "calls",
		.src =
			"BEGIN { exit(); @s = sum(arg0 + 1); printf(\"%s %d\\n\", comm, pid); @k[kstack] = count (); }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-91\n"
			"  attach BEGIN 1:1-6\n"
			"  call exit 1:9-15\n"
			"  assign = 1:17-35\n"
			"   map @s 1:17-19\n"
			"   call sum 1:22-35\n"
			"    + 1:26-34\n"
			"     ident arg0 1:26-30\n"
			"     int 1 1:33-34\n"
			"  call printf 1:37-65\n"
			"   string \"%s %d\\n\" 1:44-53\n"
			"   ident comm 1:55-59\n"
			"   ident pid 1:61-64\n"
			"  assign = 1:67-88\n"
			"   map @k 1:67-77\n"
			"    ident kstack 1:70-76\n"
			"   call count 1:80-88\n",
	},
	{
		.name = "index",
		.src =
			"BEGIN { $x = $arr[1][2]; }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-27\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:9-24\n"
			"   var $x 1:9-11\n"
			"   [] 1:14-24\n"
			"    [] 1:14-21\n"
			"     var $arr 1:14-18\n"
			"     int 1 1:19-20\n"
			"    int 2 1:22-23\n",
	},
	{
		.name = "attach_lists",
		.src =
			"kprobe:vfs_*,kretprobe:vfs_read, tracepoint:syscalls:sys_enter_open*,t:sched:sched* { }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-88\n"
			"  attach kprobe:vfs_* 1:1-13\n"
			"  attach kretprobe:vfs_read 1:14-32\n"
			"  attach tracepoint:syscalls:sys_enter_open* 1:34-69\n"
			"  attach t:sched:sched* 1:70-84\n",
	},
	{
		.name = "attach_forms",
		.src =
			"uprobe:/bin/bash:readline, uretprobe:/lib/x86_64-linux-gnu/libc.so.6:getenv,\n"
			"usdt:/path/bin:prov:name, profile:hz:99, interval:s:1, software:page-faults:100,\n"
			"uprobe:/bin/x:0x1234, kretfunc:vfs_read, kprobe:f+0x10, uprobe:\"/path with space\":f { }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-3:88\n"
			"  attach uprobe:/bin/bash:readline 1:1-26\n"
			"  attach uretprobe:/lib/x86_64-linux-gnu/libc.so.6:getenv 1:28-76\n"
			"  attach usdt:/path/bin:prov:name 2:1-25\n"
			"  attach profile:hz:99 2:27-40\n"
			"  attach interval:s:1 2:42-54\n"
			"  attach software:page-faults:100 2:56-80\n"
			"  attach uprobe:/bin/x:0x1234 3:1-21\n"
			"  attach kretfunc:vfs_read 3:23-40\n"
			"  attach kprobe:f+0x10 3:42-55\n"
			"  attach uprobe:/path with space:f 3:57-84\n",
	},
	{
		.name = "predicate_division",
		.src =
			"kprobe:f /@x / 2 > 1/ { }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-26\n"
			"  attach kprobe:f 1:1-9\n"
			"  predicate\n"
			"   > 1:11-21\n"
			"    / 1:11-17\n"
			"     map @x 1:11-13\n"
			"     int 2 1:16-17\n"
			"    int 1 1:20-21\n",
	},
	{
		.name = "predicate_comment",
		.src =
			"kprobe:f /pid/ /* c */ { } kprobe:g /pid/ // c\n"
			"{ }",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-27\n"
			"  attach kprobe:f 1:1-9\n"
			"  predicate\n"
			"   ident pid 1:11-14\n"
			" probe 1:28-2:4\n"
			"  attach kprobe:g 1:28-36\n"
			"  predicate\n"
			"   ident pid 1:38-41\n",
	},
	{
		.name = "begin_end_no_space",
		.src =
			"BEGIN{@x=1}END{exit()}",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-12\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 1:7-11\n"
			"   map @x 1:7-9\n"
			"   int 1 1:10-11\n"
			" probe 1:12-23\n"
			"  attach END 1:12-15\n"
			"  call exit 1:16-22\n",
	},
	{
		.name = "includes_struct_comments",
		.src =
			"#include <linux/sched.h>\n"
			"#include \"foo.h\"\n"
			"struct foo { int a; struct { int b; } c; };\n"
			"// a comment\n"
			"kprobe:vfs_read\n"
			"/pid > 1/\n"
			"{\n"
			"\t// comment\n"
			"\t/* block\n"
			"\t   comment */ @[probe] = count();\n"
			"}\n",
		.ok = true,
		.want =
			"program\n"
			" probe 5:1-11:2\n"
			"  attach kprobe:vfs_read 5:1-16\n"
			"  predicate\n"
			"   > 6:2-9\n"
			"    ident pid 6:2-5\n"
			"    int 1 6:8-9\n"
			"  assign = 10:16-34\n"
			"   map @ 10:16-24\n"
			"    ident probe 10:18-23\n"
			"   call count 10:27-34\n",
	},
	{
		.name = "multiline",
		.src =
			"BEGIN\n"
			"{\n"
			"  @x =\n"
			"    1 +\n"
			"    2;\n"
			"}",
		.ok = true,
		.want =
			"program\n"
			" probe 1:1-6:2\n"
			"  attach BEGIN 1:1-6\n"
			"  assign = 3:3-5:6\n"
			"   map @x 3:3-5\n"
			"   + 4:5-5:6\n"
			"    int 1 4:5-6\n"
			"    int 2 5:5-6\n",
	},
};

static void test_parse_table(void **state)
{
	(void)state;
	assert_int_equal(fe_run_cases(parse_cases, sizeof(parse_cases) / sizeof(parse_cases[0])), 0);
}

/* Read a one-liner case file of the tree (tests/runtime/cases/..., verbatim copies
 * of the shared lists); a missing file fails the test. */
static char *read_oneliners(const char *name)
{
	const char *dir = getenv("BPFL_SRCDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/runtime/cases/%s", dir ? dir : ".", name);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s (BPFL_SRCDIR=%s)", path, dir ? dir : "unset");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	char line[8192];
	while (fgets(line, sizeof(line), f))
		fputs(line, out);
	fclose(out);
	fclose(f);
	return buf;
}

/* Parse one case block's program: its `prog:` lines joined with newlines.
 * Cases that expect a failing exit status may hold deliberate errors. */
static int check_oneliner_block(char *block, const char *file, int *checked)
{
	char *prog = NULL;
	size_t plen = 0;
	FILE *out = open_memstream(&prog, &plen);
	bool expect_fail = false, any = false;
	for (char *save, *l = strtok_r(block, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "prog:", 5)) {
			const char *p = l[5] == ' ' ? l + 6 : l + 5;
			fprintf(out, "%s%s", any ? "\n" : "", p);
			any = any || *p;
		} else if (!strncmp(l, "exit:", 5) && atoi(l + 5) != 0) {
			expect_fail = true;
		}
	}
	fclose(out);
	int bad = 0;
	if (any && !expect_fail) {
		(*checked)++;
		bool ok;
		char *got = fe_run("stdin", prog, false, &ok);
		if (!ok) {
			fprintf(stderr, "%s: one-liner failed to parse:\n%s\n%s", file, prog, got);
			bad = 1;
		}
		free(got);
	}
	free(prog);
	return bad;
}

static void check_oneliners(const char *name)
{
	char *text = read_oneliners(name);
	int bad = 0, checked = 0;
	/* Blocks are separated by a blank line. */
	for (char *b = text; b && *b;) {
		char *end = strstr(b, "\n\n");
		if (end)
			*end = '\0';
		bad += check_oneliner_block(b, name, &checked);
		b = end ? end + 2 : NULL;
	}
	free(text);
	print_message("%s: %d programs parsed\n", name, checked);
	assert_true(checked > 0);
	assert_int_equal(bad, 0);
}

static void test_oneliners_host(void **state)
{
	(void)state;
	check_oneliners("oneliners-host.cases");
}

static void test_oneliners_vm(void **state)
{
	(void)state;
	check_oneliners("vm/oneliners-vm.cases");
}

/* The tools bpftrace ships (installed on the development machine, e.g. in
 * /usr/sbin, files ending in .bt) are real-world scripts: every one must parse. */
static void test_bpftrace_tools(void **state)
{
	(void)state;
	glob_t g;
	int bad = 0;
	if (glob("/usr/sbin/*.bt", 0, NULL, &g) != 0) {
		print_message("skipping: no bpftrace tools in /usr/sbin\n");
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *src = NULL;
		size_t len = 0;
		FILE *f = fopen(g.gl_pathv[i], "r");
		if (!f || getdelim(&src, &len, '\0', f) < 0) {
			if (f)
				fclose(f);
			free(src);
			continue;
		}
		fclose(f);
		bool ok;
		char *got = fe_run(g.gl_pathv[i], src, false, &ok);
		if (!ok) {
			fprintf(stderr, "%s", got);
			bad++;
		}
		free(got);
		free(src);
	}
	print_message("%zu bpftrace tools parsed\n", g.gl_pathc);
	globfree(&g);
	assert_int_equal(bad, 0);
}

/* The probe index is the position in the program. */
static void test_probe_index(void **state)
{
	(void)state;
	struct program p;
	assert_int_equal(program_init(&p, "stdin", "BEGIN {} kprobe:a,kprobe:b {} END {}"), 0);
	assert_true(parse_program(&p));
	int i = 0;
	for (struct node *n = p.ast->program.probes; n; n = n->next, i++)
		assert_int_equal(n->probe.index, i);
	assert_int_equal(i, 3);
	assert_int_equal(ast_list_len(p.ast->program.probes->next->probe.attach), 2);
	program_fini(&p);
}

/* A call node starts with no output action, which sema assigns later. */
static void test_call_defaults(void **state)
{
	(void)state;
	struct program p;
	assert_int_equal(program_init(&p, "stdin", "BEGIN { exit(); }"), 0);
	assert_true(parse_program(&p));
	const struct node *call = p.ast->program.probes->probe.body->stmt.expr;
	assert_int_equal(call->kind, N_CALL);
	assert_int_equal(call->call.action_id, -1);
	assert_null(call->call.args);
	program_fini(&p);
}

/* ast_dump shows the type once sema has set one. */
static void test_dump_with_types(void **state)
{
	(void)state;
	struct program p;
	assert_int_equal(program_init(&p, "stdin", "BEGIN { @x = 1; }"), 0);
	assert_true(parse_program(&p));
	struct node *assign = p.ast->program.probes->probe.body;
	assign->assign.value->type = type_int(&p.arena, 64, true);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	ast_dump(out, assign);
	fclose(out);
	assert_string_equal(buf, "assign = 1:9-15\n"
				 " map @x 1:9-11\n"
				 " int 1 1:14-15 :: int64\n");
	free(buf);
	program_fini(&p);
}

static void test_op_strings(void **state)
{
	(void)state;
	assert_string_equal(binop_str(OP_LAND), "&&");
	assert_string_equal(binop_str(OP_SHR), ">>");
	assert_string_equal(binop_str(OP_NONE), "");
	assert_string_equal(unop_str(OP_LNOT), "!");
	assert_string_equal(unop_str(OP_ADDR), "&");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_oneliners_host),
		cmocka_unit_test(test_oneliners_vm),
		cmocka_unit_test(test_bpftrace_tools),
		cmocka_unit_test(test_probe_index),
		cmocka_unit_test(test_call_defaults),
		cmocka_unit_test(test_dump_with_types),
		cmocka_unit_test(test_op_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
