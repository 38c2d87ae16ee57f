# bash workload of the real-software suite: loops, indexed and associative
# arrays, arithmetic, parameter expansion and string building, as shell
# scripts do them. Usage: bash-static --norc --noprofile strings.sh N
# It never forks (no command substitution, pipes or external commands):
# it measures the shell itself.
n=${1:?usage: strings.sh N}
declare -a fib=(0 1)
declare -A count=()
words=(alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima)
acc=""
sum=0
for ((i = 0; i < n; i++)); do
    w=${words[i % ${#words[@]}]}
    key=${w:0:2}${w: -1}
    count[$key]=$(( ${count[$key]:-0} + 1 ))
    up=${w^^}
    acc+="${up:0:1}"
    if (( ${#acc} > 64 )); then
        acc=${acc//A/a}
        acc=${acc#?????}
    fi
    (( sum = (sum * 31 + i ^ ${#w}) % 1000003 ))
    if (( i % 97 == 0 )); then
        fib+=( $(( (fib[-1] + fib[-2]) % 1000000007 )) )
    fi
    case $w in
        a*|e*|i*) (( sum += 3 )) ;;
        *o) (( sum += 5 )) ;;
    esac
done
printf 'sum=%d fibs=%d last=%d\n' "$sum" "${#fib[@]}" "${fib[-1]}"
for w in "${words[@]}"; do
    k=${w:0:2}${w: -1}
    printf '%s=%d ' "$k" "${count[$k]}"
done
printf '\nacc=%s\n' "$acc"
