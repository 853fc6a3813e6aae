"""Azure VM sizes that Azure Machine Learning compute accepts here (a realistic subset of Azure's sizes, in
Azure's spelling; comparisons are case-insensitive, as the service's are)."""

from __future__ import annotations

_GENERAL = (
    [f"Standard_D{n}_v2" for n in (1, 2, 3, 4, 5, 11, 12, 13, 14, 15)]
    + [f"Standard_DS{n}_v2" for n in (1, 2, 3, 4, 5, 11, 12, 13, 14, 15)]
    + [f"Standard_D{n}s_v3" for n in (2, 4, 8, 16, 32, 48, 64)]
    + [f"Standard_D{n}_v3" for n in (2, 4, 8, 16, 32, 48, 64)]
    + [f"Standard_D{n}ds_v4" for n in (2, 4, 8, 16, 32, 48, 64)]
    + [f"Standard_D{n}ds_v5" for n in (2, 4, 8, 16, 32, 48, 64, 96)]
    + [f"Standard_D{n}as_v4" for n in (2, 4, 8, 16, 32, 48, 64, 96)]
    + [f"Standard_E{n}s_v3" for n in (2, 4, 8, 16, 20, 32, 48, 64)]
    + [f"Standard_E{n}ds_v4" for n in (2, 4, 8, 16, 20, 32, 48, 64)]
    + [f"Standard_F{n}s_v2" for n in (2, 4, 8, 16, 32, 48, 64, 72)]
)
_GPU = [
    "Standard_NC6",
    "Standard_NC12",
    "Standard_NC24",
    "Standard_NC6s_v3",
    "Standard_NC12s_v3",
    "Standard_NC24s_v3",
    "Standard_NC24rs_v3",
    "Standard_NC4as_T4_v3",
    "Standard_NC8as_T4_v3",
    "Standard_NC16as_T4_v3",
    "Standard_NC64as_T4_v3",
    "Standard_NC24ads_A100_v4",
    "Standard_NC48ads_A100_v4",
    "Standard_NC96ads_A100_v4",
    "Standard_ND40rs_v2",
    "Standard_ND96asr_v4",
    "Standard_ND96amsr_A100_v4",
    "Standard_NV6",
    "Standard_NV12s_v3",
    "Standard_NV36ads_A10_v5",
    "Standard_NC40ads_H100_v5",
    "Standard_ND96isr_H100_v5",
]

VM_SIZES = tuple(_GENERAL + _GPU)
_BY_LOWER = {size.lower(): size for size in VM_SIZES}


def known_vm_size(size: str) -> str | None:
    """Azure's spelling of a supported size, or None."""
    return _BY_LOWER.get(size.lower()) if isinstance(size, str) else None
