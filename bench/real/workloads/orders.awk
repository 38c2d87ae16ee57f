# gawk workload of the real-software suite: aggregates an orders CSV
# (id,customer,city,product,quantity,price,date) by city, product and month,
# with printf formatting and gawk's sorted array traversal.
# Usage: gawk -f orders.awk orders.csv
BEGIN { FS = ","; PROCINFO["sorted_in"] = "@ind_str_asc" }
NR == 1 { next }
{
    total = $5 * $6
    revenue[$3] += total
    qty[$4] += $5
    month = substr($7, 6, 2)
    bymonth[month] += total
    if (!($3 in best) || total > best[$3]) { best[$3] = total; bestc[$3] = $2 }
    split($2, nm, " ")
    initials[substr(nm[1], 1, 1) nm[2]]++
    grand += total
}
END {
    for (c in revenue) printf "%-8s %14.2f  best %10.2f by %s\n", c, revenue[c], best[c], bestc[c]
    for (p in qty) printf "%-10s %8d\n", p, qty[p]
    for (m in bymonth) printf "2023-%s %14.2f %5.1f%%\n", m, bymonth[m], 100 * bymonth[m] / grand
    n = 0
    PROCINFO["sorted_in"] = "@val_num_desc"
    for (i in initials) if (++n <= 10) printf "%s=%d ", i, initials[i]
    printf "\ngrand=%.2f rows=%d\n", grand, NR - 1
}
