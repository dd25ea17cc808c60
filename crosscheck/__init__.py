"""Cross-check digitized records against the vehicle registry and the population database.

Pipeline: ``importer`` loads reference files → ``matching`` finds candidates by exact
normalized keys → ``rules`` (an explicit ordered list) turn one document's comparison
into findings → ``run`` stores them as ``check_result`` rows and sets document status.
"""
