# siw device removal during O_DIRECT ledger I/O over NFSv4.2 (dev diagnosis)
exec > /run/rbout/logs/siwremove.log 2>&1
set -x
mnt=/mnt/sr
mkdir -p $mnt
mount -t nfs -o vers=4.2,proto=rdma,port=20049 10.99.2.1:/ $mnt || exit 1
for round in 1 2; do
	timeout -s KILL 300 /usr/bin/python3 /run/rbrepo/tests/guest/faultio.py io --dir $mnt/l --ledger /run/rbout/logs/sr.ledger --ops 100 --seed $round > /run/rbout/logs/sr-io-$round.json 2>&1 &
	io=$!
	sleep 4
	timeout 120 rdma link delete siw0; echo "delete exit $?"
	sleep 3
	rdma link add siw0 type siw netdev rbs0; echo "add exit $?"
	wait $io; echo "io exit $?"
	dmesg | grep -c "WARNING" 
done
umount $mnt
rdma resource show mr
dmesg | grep -A3 "WARNING" | head -20
echo done
