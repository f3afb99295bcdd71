"""Reads an Airflow DAG file with Python's ast, without importing Airflow.

Prints JSON: {"dag_id", "dag_kwargs", "tasks", "edges", "imports", "problems"}.
- tasks: task ids of the operators assigned to names, either directly
  (name = SomeOperator(task_id="x", ...)) or through a module-level factory function
  whose operator takes task_id from one of its parameters (name = factory("x")).
- edges: [upstream, downstream] pairs from expression statements built with >> and <<
  over task names and lists/tuples of them (a >> b >> [c, d] >> e).
- dag_kwargs: keyword arguments of the DAG(...) call; literals as values, names of
  module-level literals resolved, anything else as its source text.
- problems: constructs the reader does not understand (the caller should fail on them).

Usage: python3 dag_graph.py FILE.py
"""

import ast
import json
import sys


def operator_call(node):
    return isinstance(node, ast.Call) and call_name(node).endswith("Operator")


def call_name(call):
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return ""


def keyword(call, name):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def task_factories(tree):
    """Module-level functions returning an operator whose task_id is a parameter: name -> index."""
    factories = {}
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = [a.arg for a in fn.args.args]
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and operator_call(node.value):
                tid = keyword(node.value, "task_id")
                if isinstance(tid, ast.Name) and tid.id in params:
                    factories[fn.name] = params.index(tid.id)
    return factories


def module_literals(tree):
    """Module-level single-name assignments: name -> value node."""
    out = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            out[stmt.targets[0].id] = stmt.value
    return out


def value_of(node, literals, depth=0):
    """A literal's value; names of module-level values resolved; dicts per entry; else source text."""
    if depth > 10:
        return ast.unparse(node)
    if isinstance(node, ast.Name) and node.id in literals:
        return value_of(literals[node.id], literals, depth + 1)
    if isinstance(node, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.keys):
        return {k.value: value_of(v, literals, depth + 1) for k, v in zip(node.keys, node.values)}
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return ast.unparse(node)


def main(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    factories = task_factories(tree)
    literals = module_literals(tree)
    names = {}
    tasks = []
    edges = []
    problems = []
    dag_id = None
    dag_kwargs = {}

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and call_name(node) == "DAG":
            first = node.args[0] if node.args else keyword(node, "dag_id")
            dag_id = value_of(first, literals) if first is not None else None
            for kw in node.keywords:
                if kw.arg is not None:
                    dag_kwargs[kw.arg] = value_of(kw.value, literals)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            call = node.value
            tid = None
            if operator_call(call):
                tid = keyword(call, "task_id")
            elif call_name(call) in factories:
                idx = factories[call_name(call)]
                tid = call.args[idx] if idx < len(call.args) else None
            if tid is None:
                continue
            if not (isinstance(tid, ast.Constant) and isinstance(tid.value, str)):
                problems.append("task id is not a string literal: " + ast.unparse(node))
                continue
            if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                problems.append("task not assigned to one name: " + ast.unparse(node))
                continue
            names[node.targets[0].id] = tid.value
            tasks.append(tid.value)
        if isinstance(node, ast.Call) and call_name(node) in ("chain", "cross_downstream", "set_upstream",
                                                                "set_downstream"):
            problems.append("dependency form not read: " + ast.unparse(node))

    def operand(node):
        if isinstance(node, ast.Name):
            if node.id not in names:
                problems.append("not a task: " + node.id)
                return []
            return [names[node.id]]
        if isinstance(node, (ast.List, ast.Tuple)):
            out = []
            for elt in node.elts:
                out.extend(operand(elt))
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.RShift, ast.LShift)):
            left = operand(node.left)
            right = operand(node.right)
            for a in left:
                for b in right:
                    edges.append([a, b] if isinstance(node.op, ast.RShift) else [b, a])
            return right
        problems.append("operand not read: " + ast.unparse(node))
        return []

    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.BinOp) \
                and isinstance(node.value.op, (ast.RShift, ast.LShift)):
            operand(node.value)

    imports = []
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.Import):
            imports.extend(a.name for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            imports.append(stmt.module or "")

    json.dump({
        "dag_id": dag_id,
        "dag_kwargs": dag_kwargs,
        "tasks": tasks,
        "edges": edges,
        "imports": imports,
        "problems": problems,
    }, sys.stdout, default=str, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
