#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# The programs a shell script or C file runs, one "PROGRAM<TAB>FILE:LINE" a line.
# usage: extract.pl sh|c FILE [LABEL]    (LABEL names FILE in the output)
#   sh: every command position of a bash script (heredoc bodies and quoted text
#       skipped; wrappers such as `ip netns exec NS CMD`, `inns NS CMD`,
#       `timeout N CMD`, `X exec RUN POD -- CMD` followed);
#   c:  in a file that calls system(), popen() or exec*(), the commands of its
#       string literals (adjacent literals joined).
# Both: a comment "runs: PROG..." declares programs whose names are computed.
# A command word that is a variable or a path into the repository is not a
# program and is left out; only perl-base is needed.
use strict;
use warnings;

my ($mode, $file, $label) = @ARGV;
die "usage: extract.pl sh|c FILE [LABEL]\n" unless $mode && $file && ($mode eq 'sh' || $mode eq 'c');
$label //= $file;
open(my $fh, '<', $file) or die "extract.pl: $file: $!\n";
my @lines = <$fh>;
close($fh);

my %keyword = map { $_ => 1 } qw(if then else elif fi for while until do done case esac in
	function select time ! [[ ]] { } coproc);
my %builtin = map { $_ => 1 } qw(echo printf read cd test [ true false exit return local declare
	typeset export set shift trap wait eval source . unset readonly let type hash pushd popd
	mapfile readarray getopts break continue shopt umask ulimit jobs disown times : alias
	builtin caller enable help history logout suspend compgen complete dirs fc fg bg kill pwd);
my (%func, %seen);

sub out {
	my ($prog, $line) = @_;
	return if $seen{"$prog:$line"}++;
	print "$prog\t$label:$line\n";
}

# Shell text -> the same text with quoted strings replaced by Q (or their $(...)
# bodies, as separate commands), ${...} and $((...)) by V, comments dropped.
sub scan {
	my ($s) = @_;
	my ($o, $i, $n) = ('', 0, length($s));
	my $sub = sub {	# $( at $i: returns the index after the matching ) and the body
		my ($j, $depth) = ($_[0], 1);
		my $start = $j;
		while ($j < $n && $depth) {
			my $c = substr($s, $j, 1);
			if ($c eq '\\') { $j += 2; next; }
			if ($c eq "'") { my $k = index($s, "'", $j + 1); $j = $k < 0 ? $n : $k + 1; next; }
			$depth++ if $c eq '(';
			$depth-- if $c eq ')';
			$j++;
		}
		return ($j, substr($s, $start, $j - $start - 1));
	};
	while ($i < $n) {
		my $c = substr($s, $i, 1);
		my $two = substr($s, $i, 2);
		if ($c eq '\\') { $o .= 'Q'; $i += 2; next; }
		if ($c eq "'" || ($c eq '"' && $o =~ /\b(?:sh|bash)\s+-c\s*$/)) {
			my $k = index($s, $c, $i + 1);
			$k = $n if $k < 0;
			# `sh -c '...'`: the quoted text is commands too.
			$o .= $o =~ /\b(?:sh|bash)\s+-c\s*$/ ? 'Q;' . scan(substr($s, $i + 1, $k - $i - 1)) . ';' : 'Q';
			$i = $k + 1;
			next;
		}
		if (substr($s, $i, 3) eq '$((') { my ($j) = $sub->($i + 2); $i = $j; $o .= 'V'; next; }
		if ($two eq '((') { my ($j) = $sub->($i + 1); $i = $j; $o .= 'V'; next; }
		if ($two eq '=(') { my ($j) = $sub->($i + 2); $i = $j; $o .= '=V'; next; }
		if ($two eq '$(' || $two eq '<(' || $two eq '>(') {
			my ($j, $body) = $sub->($i + 2); $i = $j; $o .= 'V;' . scan($body) . ';'; next;
		}
		if ($two eq '${') { my $k = index($s, '}', $i); $i = $k < 0 ? $n : $k + 1; $o .= 'V'; next; }
		if ($c eq '$') { $o .= 'V'; $i++; $i++ while $i < $n && substr($s, $i, 1) =~ /[\w@*#?!-]/; next; }
		if ($c eq '`') {
			my $k = index($s, '`', $i + 1); $k = $n if $k < 0;
			$o .= 'V;' . scan(substr($s, $i + 1, $k - $i - 1)) . ';'; $i = $k + 1; next;
		}
		if ($c eq '"') {
			# Inside double quotes only command substitutions run commands.
			my $j = $i + 1; my $var = 0; my $inner = '';
			while ($j < $n && substr($s, $j, 1) ne '"') {
				my $d = substr($s, $j, 1);
				if ($d eq '\\') { $j += 2; next; }
				if (substr($s, $j, 2) eq '$(' && substr($s, $j, 3) ne '$((') {
					my ($k, $body) = $sub->($j + 2); $inner .= ';' . scan($body) . ';'; $j = $k; $var = 1; next;
				}
				$var = 1 if $d eq '$' || $d eq '`';
				$j++;
			}
			$o .= ($var ? 'V' : 'Q') . ($inner ne '' ? "V$inner" : '');
			$i = $j + 1; next;
		}
		if ($c eq '#' && ($i == 0 || substr($s, $i - 1, 1) =~ /[\s;&|(]/)) { last; }
		$o .= $c; $i++;
	}
	return $o;
}

# The command words of one simple command (words already scanned).
sub command_words {
	my ($seg) = @_;
	my @w = grep { $_ ne '' } split(/\s+/, $seg);
	my @cmds;
	while (@w) {
		my $x = shift @w;
		next if $x =~ /^\w+(\[[^\]]*\])?\+?=/;	# assignment
		if ($x =~ /^\d*[<>]+&?$/) { shift @w; next; }	# redirection, its target next
		next if $x =~ /^\d*[<>]/ || $x =~ /^&?>/;	# redirection with its target
		next if $keyword{$x};
		if ($x eq 'exec' || $x eq 'command' || $x eq 'builtin' || $x eq 'nohup' || $x eq 'sudo'
		    || $x eq 'env' || $x eq 'stdbuf' || $x eq 'nice') {
			shift @w while @w && ($w[0] =~ /^-/ || $w[0] =~ /^\w+=/);
			next;
		}
		push @cmds, $x;
		# Wrappers: the command they run follows.
		if ($x eq 'ip' && @w >= 3 && $w[0] eq 'netns' && $w[1] eq 'exec') { splice(@w, 0, 3); next; }
		if ($x eq 'inns' || $x eq 'chroot') { shift @w; next; }
		if ($x eq 'timeout') { shift @w while @w && $w[0] =~ /^-/; shift @w; next; }
		if ($x eq 'nsenter' || $x eq 'setpriv' || $x eq 'unshare' || $x eq 'xargs') {
			while (@w && $w[0] =~ /^-/) {
				my $opt = shift @w;
				shift @w if $opt =~ /^--(propagation|setgroups|map-user|map-group)$/;
			}
			shift @w if @w && $w[0] eq '--';
			next;
		}
		if (@w && $w[0] eq 'exec') {
			my ($k) = grep { $w[$_] eq '--' } 0 .. $#w;
			if (defined $k) { splice(@w, 0, $k + 1); next; }
		}
		last;
	}
	return @cmds;
}

sub program_of {
	my ($x) = @_;
	return undef if $x =~ /[VQ]/ && $x !~ /^[a-z][\w.+-]*$/;	# variable or quoted
	return undef if $builtin{$x} || $keyword{$x} || $func{$x};
	return undef if $x =~ m{/} && $x !~ m{^/};			# a path into the repository
	$x =~ s{^/.*/}{};
	return $x =~ /^[a-zA-Z][\w.+-]*$/ ? $x : undef;
}

sub shell_line {
	my ($text, $line, $in_case) = @_;
	my $s = scan($text);
	$s =~ s/;;/\n;;/g;
	# "case X in a | b) cmd" on one line: the pattern is no pipeline.
	$s =~ s/(\bcase\s+\S+\s+in)\s+[^\s()]+(?:\s*\|\s*[^\s()]+)*\s*\)/$1 /;
	for my $part (split(/(?:\|\||&&|;;?|\||&|\n)/, $s)) {
		# A case pattern "pat)" starts a clause; "(" and ")" separate commands otherwise.
		$part =~ s/^\s*\(?[^\s()]+(?:\|[^\s()]+)*\)// if $$in_case;
		$$in_case++ if $part =~ /^\s*case\s.*\sin\b/;
		$$in_case-- if $part =~ /\besac\b/ && $$in_case;
		$part =~ s/^\s*case\s.*?\sin\b// ;
		for my $seg (split(/[(){}]/, $part)) {
			next if $seg =~ /^\s*(for|select)\s/;
			out($_, $line) for grep { defined } map { program_of($_) } command_words($seg);
		}
	}
}

# True when text ends inside a single- or double-quoted string.
sub open_quote {
	my ($t) = @_;
	my ($q, $i) = ('', 0);
	while ($i < length($t)) {
		my $c = substr($t, $i++, 1);
		if ($q eq "'") { $q = '' if $c eq "'"; next; }
		if ($c eq '\\') { $i++; next; }
		if ($q eq '"') { $q = '' if $c eq '"'; next; }
		if ($c eq '#' && ($i == 1 || substr($t, $i - 2, 1) =~ /\s/)) { my $k = index($t, "\n", $i); last if $k < 0; $i = $k; next; }
		$q = $c if $c eq "'" || $c eq '"';
	}
	return $q ne '';
}

sub runs_comment {
	my ($text, $line) = @_;
	if ($text =~ /(?:#|\/\/|\/\*)\s*runs:\s*([\w.+\- ]+)/) {
		out($_, $line) for split(' ', $1);
	}
}

if ($mode eq 'sh') {
	# Functions of this script and of the repository scripts it sources (". tests/lib/X.sh").
	my @defs = @lines;
	for (@lines) {
		next unless m{^\s*(?:\.|source)\s+"?(?:\$\w+/|\$\{\w+\}/)?(tests/[\w/.-]+\.sh)"?\s*$};
		open(my $fh, '<', $1) or next;
		push @defs, <$fh>;
	}
	for (@defs) { $func{$1} = 1 if /^\s*(?:function\s+)?([\w-]+)\s*\(\)\s*\{?/; }
	my ($heredoc, $in_case, $cont, $cont_line) = (undef, 0, '', 0);
	for my $ln (1 .. @lines) {
		my $text = $lines[$ln - 1];
		chomp $text;
		runs_comment($text, $ln);
		if (defined $heredoc) { undef $heredoc if $text =~ /^\s*\Q$heredoc\E\s*$/; next; }
		$heredoc = $1 if $text =~ /<<-?\s*['"]?(\w+)['"]?/ && $text !~ /<<</;
		$text =~ s/^\s*[\w-]+\s*\(\)\s*\{?//;	# function header
		if ($text =~ /\\$/) { $cont_line ||= $ln; $cont .= substr($text, 0, -1) . ' '; next; }
		if (open_quote($cont . $text)) { $cont_line ||= $ln; $cont .= $text . "\n"; next; }
		shell_line($cont . $text, $cont_line || $ln, \$in_case);
		($cont, $cont_line) = ('', 0);
	}
	exit 0;
}

# C: only files that shell out, and only the literals of statements that run or
# build a command: system(), popen(), exec*(), the fixtures' sh helpers, a
# snprintf() into cmd, a cmds[] table.
my $src = join('', @lines);
exit 0 unless $src =~ /\b(?:system|popen|execlp|execvp|execl|execv)\s*\(/;
for my $ln (1 .. @lines) { runs_comment($lines[$ln - 1], $ln); }
$src =~ s{/\*.*?\*/}{my $c = $&; $c =~ s/[^\n]/ /g; $c}gse;	# keep offsets
$src =~ s{//[^\n]*}{' ' x length($&)}ge;
(my $masked = $src) =~ s/"((?:[^"\\\n]|\\.)*)"/'"' . ('x' x length($1)) . '"'/ge;
# The literal is the command: first argument of a runner, the format of a
# snprintf() into cmd, or an element of a cmds[] table.
my $runs = qr/(?:\b(?:system|popen|execlp|execvp|fixture_sh|sh|run_ip)\s*\(\s*|\bv?snprintf\s*\(\s*cmd\w*\s*,[^;"]*,\s*)$|\bcmds\w*\s*\[\s*\]\s*=\s*\{[^;]*$/;
while ($src =~ /((?:"(?:[^"\\\n]|\\.)*"\s*)+)/g) {
	my ($lits, $pos) = ($1, $-[1]);
	my $start = rindex($masked, ';', $pos) + 1;
	next unless substr($masked, $start, $pos - $start) =~ $runs;
	my $line = 1 + (substr($src, 0, $pos) =~ tr/\n//);
	my $str = join('', $lits =~ /"((?:[^"\\\n]|\\.)*)"/g);
	$str =~ s/\\n/;/g;
	$str =~ s/\\(.)/$1/g;
	$str =~ s/%[-\d.]*[sdulzx]+/V/g;
	next unless $str =~ /^\s*[a-z]/;
	shell_line($str, $line, \my $in_case);
}
