# Debian's static i386 busybox doing ordinary shell work. tests/run-all.sh runs this script with
# `busybox sh busybox.sh` natively and under xqm-user in an empty scratch directory and compares
# everything. busybox re-executes itself (/proc/self/exe) for most applets, so this also covers
# fork, execve of an i386 program, pipes and wait. Every output is deterministic: fixed file
# times, no pids, no current dates.

step() { echo "== $*"; }

step "shell basics"
x=3; y=$((x * 7 + 1)); echo "arith $y"
for w in one two three; do printf '%s.' "$w"; done; echo
( cd /; pwd ); pwd | sed 's#.*/##' | wc -c
echo "subshell $(echo inner | tr a-z A-Z)"
if [ -d . ] && test 5 -gt 3; then echo "test ok"; fi
case "foo.tar.gz" in *.tar.gz) echo "case ok";; esac
f() { echo "func $1 $#"; return 4; }; f a b; echo "status $?"
read -r first rest <<EOF
alpha beta gamma
EOF
echo "read: $first / $rest"
false || echo "or ok"; true && echo "and ok"
echo "nested: $( (echo deep) | cat )"

step "files"
mkdir -p tree/sub/deeper tree/other
printf 'line one\nline two\nthird line\n' > tree/a.txt
seq 1 20 > tree/sub/numbers
echo "deep file" > tree/sub/deeper/d.txt
printf 'x\ny\n' > tree/other/b.txt
ln -s a.txt tree/link
touch -d "2020-01-02 03:04:05" tree/a.txt tree/sub/numbers tree/sub/deeper/d.txt tree/other/b.txt
touch -h -d "2020-01-02 03:04:05" tree/link
touch -d "2021-06-07 08:09:10" tree/sub/deeper tree/sub tree/other tree
chmod 640 tree/a.txt
ls -l tree | sed 's/ \+/ /g' | cut -d' ' -f1,5-
ls -lR tree/sub | sed 's/ \+/ /g' | cut -d' ' -f1,5-
find tree -type f | sort
find tree -name '*.txt' -newer tree/other | sort
stat -c '%n %s %a' tree/a.txt
wc -l tree/a.txt tree/sub/numbers
du -s tree >/dev/null && echo "du ok"

step "text tools"
sed -n '2p;$p' tree/a.txt
sed 's/line/LINE/g' tree/a.txt | grep -c LINE
grep -n 'two' tree/a.txt
grep -v one tree/a.txt | head -n 1
sort -r tree/a.txt
printf 'b\na\nb\nc\na\nb\n' | sort | uniq -c | sed 's/^ *//'
tail -n 3 tree/sub/numbers | tr '\n' ' '; echo
head -c 12 tree/a.txt; echo
cut -d' ' -f2 tree/a.txt
echo "Hello World" | tr 'a-z' 'A-Z'
echo "a:b:c" | awk -F: '{ print $3, NF; s = 0; for (i = 1; i <= 10; i++) s += i; print s }'
awk '{ n += $1 } END { print "sum", n, "avg", n / NR }' tree/sub/numbers
printf '%5s|%-4d|%x|%o\n' abc 42 255 8
expr 7 \* 6
expr length "hello"
seq 5 -2 -3 | tr '\n' ','; echo
od -c tree/other/b.txt | head -n 1
echo "rev me" | rev
nl tree/a.txt | sed 's/^ *//'

step "pipes and xargs"
find tree -type f | sort | xargs wc -c | tail -n 1
seq 1 6 | xargs -n 2 echo
echo one two three | xargs printf '<%s>\n'
seq 1 100 | grep 7 | wc -l
yes hello | head -n 3

step "archives and checksums"
tar cf t.tar tree
tar tf t.tar | sort
md5sum t.tar | cut -d' ' -f1
sha256sum tree/a.txt | cut -d' ' -f1
gzip -9 -n -c t.tar > t.tar.gz
gunzip -c t.tar.gz | md5sum | cut -d' ' -f1
mkdir out && tar xf t.tar -C out && diff -r tree out/tree && echo "tar round trip ok"
cmp t.tar out/../t.tar && echo "cmp ok"
gzip -c tree/sub/numbers | gzip -d | sha1sum | cut -d' ' -f1
bzip2 -c tree/a.txt | bunzip2 | md5sum | cut -d' ' -f1

step "copy, move, remove"
mkdir scratch
cp tree/a.txt scratch/copy.txt
cp -r tree/sub scratch/subcopy
mv scratch/copy.txt scratch/moved.txt
ls scratch | sort
rm -r scratch/subcopy
rm scratch/moved.txt
rmdir scratch && echo "scratch gone"
ls -d scratch 2>/dev/null || echo "really gone"

step "dates and misc"
date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S %a'
date -u -d '2024-02-29 12:34:56' +%s
basename /usr/lib/file.txt .txt
dirname /usr/lib/file.txt
echo "$((0x10 + 010))"
printf 'sleep: '; sleep 0; echo done
env | grep -c XQM_TEST_VAR
id -u >/dev/null && echo "id ok"
uname -s
exit 7
