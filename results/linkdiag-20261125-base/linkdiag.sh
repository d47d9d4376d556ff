# Development diagnosis of the rxe veth-down-up stall (scripts/vm --exec):
# O_DIRECT writes over NFSv4.2/rxe, the netdev down 8 s and up, then the
# transport's state every 10 s for 120 s.
set -x
exec > /run/rbout/logs/linkdiag-$(date +%s).log 2>&1
mnt=/mnt/diag
mkdir -p $mnt
mount -t nfs -o vers=4.2,proto=rdma,port=20049 10.99.1.1:/ $mnt || exit 1
( for i in $(seq 1 400); do dd if=/dev/urandom of=$mnt/d bs=64k count=4 oflag=direct status=none || echo "dd $i failed"; done; echo "dd loop done" ) &
sleep 4
ip route show table all | grep 10.99.1
ip link set rbr0 down; sleep 8; ip link set rbr0 up
for t in 0 10 20 30 40 60 80 100 120; do
	echo "=== t+$t s"; date
	rdma link show rxe0/1
	rdma resource show qp link rxe0/1
	rdma resource show cm_id
	ip route show table all | grep 10.99.1
	ip neigh show | grep 10.99.1
	grep -A3 "xprt:.*rdma" /proc/self/mountstats | head -4
	dmesg | tail -5
	jobs
	sleep 10
done
kill %1 2>/dev/null; sleep 1; umount -f -l $mnt; echo done
