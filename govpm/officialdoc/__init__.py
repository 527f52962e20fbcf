"""The generic official-document layout: compositions as data (composition.py), the GB/T 9704-2012
page as numbers (layout.py), the DOCX renderer (render.py) and the PDF conversion (pdf.py).

It imports no other app of govpm but core: `documents` composes the lifecycle's 公文 and `targets` its
reports, and both lay them out here (the layer contracts in pyproject.toml keep it so)."""
