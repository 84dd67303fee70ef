# make bench: read time against object count, one panel per view, and a legend.
# gnuplot -e "datafile='read-time.dat'; outfile='read-time.png'" read-time.gp
# read-time.dat (tests/bench/run writes it): one block per view, in the order
# of `titles`; columns: objects view_ms proc_ms tool_ms min_ms empty_ms cat_ms
if (!exists("datafile")) datafile = 'read-time.dat'
if (!exists("outfile")) outfile = 'read-time.png'

set terminal pngcairo size 1500,950 font "sans,10"
set output outfile
set style line 1 lc rgb "#d62728" lw 2.5 pt 7 ps 1.1   # view
set style line 2 lc rgb "#1f77b4" lw 2 pt 5 ps 1.0     # /proc reader
set style line 3 lc rgb "#2ca02c" lw 2 pt 9 ps 1.2     # system tool
set style line 4 lc rgb "#777777" lw 1.5 dt 2 pt 6     # minimal iterator
set style line 5 lc rgb "#bbbbbb" lw 1.5 dt 3 pt 1     # empty iterator

titles = "'tasks (process rows)' 'tasks, threads = yes (thread rows)' 'stacks, filtered to 1 task' 'files' 'tcp'"
subs = "'/proc/*/stat+status; ps -e' '/proc/*/task/*/stat+status; ps -eL' '/proc/*/task/*/comm + stack; pgrep + /proc/PID/stack' '/proc/*/fd readlink+stat; lsof -n -P' '/proc/net/tcp+tcp6; ss -tan'"
xlab = "'tasks' 'tasks' 'tasks' 'open descriptors' 'TCP sockets'"

set multiplot layout 2,3 title "bpfviews make bench: read time against object count (log-log, medians)" font ",13"
set logscale xy
set grid xtics ytics lc rgb "#e0e0e0"
set ylabel "read time (ms)"
set format y "%g"
set format x "%.0s%c"
unset key
do for [i=1:5] {
    set title word(titles, i)."\n{/*0.85 ".word(subs, i)."}" font ",11"
    set xlabel word(xlab, i)
    plot datafile index (i-1) using 1:2 with linespoints ls 1, \
         ''       index (i-1) using 1:3 with linespoints ls 2, \
         ''       index (i-1) using 1:4 with linespoints ls 3, \
         ''       index (i-1) using 1:5 with linespoints ls 4, \
         ''       index (i-1) using 1:6 with linespoints ls 5
}
# the sixth cell: the legend
unset title
unset logscale
unset border
unset tics
unset xlabel
unset ylabel
unset grid
set xrange [0:1]
set yrange [0:1]
set rmargin 6
set key center center box spacing 1.6 font ",11"
plot NaN with linespoints ls 1 title "view (bpfviews), read in-process", \
     NaN with linespoints ls 2 title "fastest C reader of the same /proc files", \
     NaN with linespoints ls 3 title "system tool (a process)", \
     NaN with linespoints ls 4 title "minimal iterator, same columns (bpftool iter pin)", \
     NaN with linespoints ls 5 title "empty iterator (the kernel's walk alone)"
unset multiplot
