"""What both apps use, below both: QR codes and the absolute addresses they carry, PDF
rendering, CSV/XLSX downloads and how a person's name is written. It imports neither
`villages` nor `disclosures` (nor `portal`): settings come through django.conf."""
