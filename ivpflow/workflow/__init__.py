"""Workflow definitions: the model, its YAML source and validation, the phase state machine,
and the reference taxonomy of the five veiligheidsvelden."""
