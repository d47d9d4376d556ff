# shellcheck shell=bash
# The IOMMU vehicle's in-kernel check (patches/test/): rdma_rw_ctx_init_bvec()
# on the rxe device behind the vIOMMU with bvecs {4096 @ 0, 1024 @ 512,
# 4096 @ 0} (an interior bvec that is not IOMMU-granule aligned), then every
# SGE is checked through the IOMMU page tables, and after the context is
# destroyed none of them may translate any more (-EBUSY: a leaked mapping).
# Upstream 7.3.4 fails it (dma_iova_link() WARNs and returns -EIO); the
# series maps it.
rb_dmatest_rw_unaligned() {
	local f=/sys/kernel/debug/rxe_dma_test/rw_unaligned
	[ -e $f ] || { echo "no $f: kernel without the test series or rxe.dma_test=0"; return 1; }
	rdma link show rxe0/1 || return
	echo rxe0 > $f
	local rc=$?
	dmesg | grep 'rxe_dma_test' | tail -n 3
	return $rc
}
# The vehicle must translate: its IOMMU group is a DMA domain of the mode the
# boot asked for (strict: "DMA", lazy: "DMA-FQ"), as sysfs and the vehicle's
# own debugfs file say; the vehicle refuses to bind without one.
rb_dmatest_domain() {
	local pci want t v
	case $RB_IOMMU in
	strict) want=DMA ;;
	lazy) want=DMA-FQ ;;
	*) echo "rb_iommu=$RB_IOMMU: the vehicle needs --iommu strict|lazy"; return 1 ;;
	esac
	pci=$(rb_vehicle_pci) || { echo "no edu PCI device (1234:11e8)"; return 1; }
	t=$(cat /sys/bus/pci/devices/$pci/iommu_group/type 2>/dev/null)
	v=$(cat /sys/kernel/debug/rxe_dma_test/domain_type 2>/dev/null)
	echo "$pci: iommu_group type '$t', rxe_dma_test/domain_type '$v', want '$want'"
	[ "$t" = "$want" ] && [ "$v" = "$want" ]
}
. "$RB_REPO/tests/guest/steps/setup.sh"
rb_run dmatest/iommu-domain-$RB_IOMMU rb_dmatest_domain
# Layouts that take the IOVA path (one SGE over the whole transfer, checked),
# and the fallback, each verified through the IOMMU and leak-checked after
# the destroy (patches/test/: rxe_dma_test/rw_layouts).
rb_dmatest_rw_layouts() {
	local f=/sys/kernel/debug/rxe_dma_test/rw_layouts rc
	[ -e $f ] || { echo "no $f"; return 1; }
	echo rxe0 > $f
	rc=$?
	dmesg | grep 'rw_layouts' | tail -n 5
	return $rc
}
rb_run dmatest/rw-layouts rb_dmatest_rw_layouts
rb_run dmatest/rw-unaligned-interior-bvec rb_dmatest_rw_unaligned
