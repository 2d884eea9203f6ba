"""hvaudit: assess hypervisor deployments against NIST SP 800-125A (2014 draft, Rev. 1) and SP 800-125B."""

__version__ = "0.1.0"

__all__ = ["__version__"]
