"""The records of a run as light objects: every field of the JSON record is an attribute
(`step.t`, `step.distance`, `start.references`), `type` says which record it is."""


class Record:
    __slots__ = ("fields",)

    def __init__(self, fields):
        object.__setattr__(self, "fields", fields)

    def __getattr__(self, name):
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(f"a {self.fields.get('type', '?')} record has no field '{name}'") from None

    def __setattr__(self, name, value):
        raise AttributeError("records are read-only")

    def get(self, name, default=None):
        return self.fields.get(name, default)

    def __repr__(self):
        keys = ", ".join(k for k in self.fields if k != "type")
        return f"Record({self.fields.get('type')}: {keys})"
