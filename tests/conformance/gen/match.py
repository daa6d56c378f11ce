NAME = "match"
DESCRIPTION = "todo"

def groups():
    return []
