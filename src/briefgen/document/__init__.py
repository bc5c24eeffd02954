"""The document: the tailored brief and its parts (`model`), their order (`outline`), the fixed
words every format prints (`words`). Format-neutral: renderers read it, nothing here renders."""
