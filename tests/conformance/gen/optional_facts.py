NAME = "optional_facts"
DESCRIPTION = "todo"

def groups():
    return []
