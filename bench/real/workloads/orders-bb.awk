# busybox awk workload of the real-software suite: aggregates an orders CSV
# (id,customer,city,product,quantity,price,date) by city and product with
# printf formatting (POSIX awk: no sorted traversal, so keys are emitted in
# a fixed order). Usage: busybox awk -f orders-bb.awk orders.csv
BEGIN { FS = ","; ncity = split("Lyon Osaka Quito Perth Oslo Dakar Lima Hanoi Porto Cusco Turin Accra Kyoto Bergen Tunis Recife", cities, " ") }
NR == 1 { next }
{
    total = $5 * $6
    revenue[$3] += total
    count[$3 "," $4]++
    if (length($2) > longest) longest = length($2)
    if ($7 ~ /-0[1-3]-/) q1 += total
    grand += total
}
END {
    for (i = 1; i <= ncity; i++) {
        c = cities[i]
        printf "%-8s %14.2f %6d widgets %6d valves\n", c, revenue[c], count[c ",widget"], count[c ",valve"]
    }
    printf "q1=%.2f grand=%.2f longest=%d rows=%d\n", q1, grand, longest, NR - 1
}
