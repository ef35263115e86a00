#!/usr/bin/env python3
"""Validates deploy/ offline: every rendered manifest against the Kubernetes schemas that
kubernetes-validate bundles (strict: unknown fields fail), the ScaledObject against KEDA's
schema (the npm package @kubernetes-models/keda, through validate-keda.mjs), and the rules the
app relies on (drain and grace periods that fit the settings, probes, non-root, read-only
root filesystem, sized resources, the KEDA trigger on the web pods' internal metrics port).

    validate.py --node-modules DIR [--self-test]

Renders with `kubectl kustomize` when kubectl is on PATH, else reads the base's files as they
are. --self-test breaks a copy of the manifests in several ways and fails unless each is caught.
"""

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

import kubernetes_validate
import yaml

DEPLOY = os.path.dirname(os.path.abspath(__file__))
KUBERNETES_VERSION = "1.37.0"
TARGETS = ["base", "overlays/example"]
# KUBECTL=none checks as a machine without kubectl would.
KUBECTL = shutil.which(os.environ.get("KUBECTL", "kubectl"))


def render(target):
    """The manifests of a kustomization, as dicts."""
    path = os.path.join(DEPLOY, target)
    if KUBECTL:
        out = subprocess.run([KUBECTL, "kustomize", path], check=True, capture_output=True, text=True).stdout
        return [d for d in yaml.safe_load_all(out) if d]
    with open(os.path.join(path, "kustomization.yaml")) as f:
        kustomization = yaml.safe_load(f)
    docs = []
    for resource in kustomization.get("resources", []):
        file = os.path.join(path, resource)
        if os.path.isdir(file):
            continue  # an overlay's base: checked as a target of its own
        with open(file) as f:
            docs += [d for d in yaml.safe_load_all(f) if d]
    return docs


def name_of(doc):
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def schema_errors(docs, node_modules):
    errors = []
    scaled = [d for d in docs if d.get("kind") == "ScaledObject"]
    for doc in docs:
        if doc in scaled:
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.utils.ValidationError as error:
            errors.append(f"{name_of(doc)}: {error.message} at {'.'.join(str(p) for p in error.path)}")
        except kubernetes_validate.utils.SchemaNotFoundError as error:
            errors.append(f"{name_of(doc)}: no schema ({error})")
    if scaled:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(scaled, f)
        checked = subprocess.run(
            ["node", os.path.join(DEPLOY, "validate-keda.mjs"), node_modules, f.name], capture_output=True, text=True
        )
        os.unlink(f.name)
        if checked.returncode != 0:
            errors.append(f"ScaledObject against KEDA's schema: {checked.stdout}{checked.stderr}".strip())
    return errors


def find(docs, kind, name):
    for doc in docs:
        if doc.get("kind") == kind and doc["metadata"]["name"].startswith(name):
            return doc
    return None


def settings(docs):
    config = find(docs, "ConfigMap", "explorer-config")
    return config.get("data", {}) if config else {}


def rule_errors(docs):
    errors = []
    data = settings(docs)

    def seconds(name):
        try:
            return int(data[name])
        except (KeyError, ValueError):
            errors.append(f"ConfigMap explorer-config: {name} missing or not a number")
            return 0

    for doc in docs:
        if doc.get("kind") not in ("Deployment", "StatefulSet"):
            continue
        pod = doc["spec"]["template"]["spec"]
        if not pod.get("securityContext", {}).get("runAsNonRoot"):
            errors.append(f"{name_of(doc)}: the pod must set runAsNonRoot")
        for container in pod["containers"]:
            where = f"{name_of(doc)} container {container['name']}"
            security = container.get("securityContext", {})
            if not security.get("readOnlyRootFilesystem"):
                errors.append(f"{where}: readOnlyRootFilesystem must be true")
            if security.get("allowPrivilegeEscalation", True):
                errors.append(f"{where}: allowPrivilegeEscalation must be false")
            resources = container.get("resources", {})
            for part in ("requests", "limits"):
                if "memory" not in resources.get(part, {}):
                    errors.append(f"{where}: resources.{part}.memory missing")
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    errors.append(f"{where}: {probe} missing")

    web = find(docs, "Deployment", "explorer-web")
    if web:
        pod = web["spec"]["template"]["spec"]
        container = pod["containers"][0]
        pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
        needed = pre_stop + seconds("WEB_DRAIN_DELAY_SECS") + seconds("WEB_SHUTDOWN_GRACE_SECS")
        grace = pod.get("terminationGracePeriodSeconds", 30)
        if grace <= needed:
            errors.append(f"{name_of(web)}: terminationGracePeriodSeconds {grace} must exceed preStop + drain + grace = {needed}")
        paths = {p: container.get(p, {}).get("httpGet", {}).get("path") for p in ("readinessProbe", "livenessProbe")}
        if paths != {"readinessProbe": "/readyz", "livenessProbe": "/healthz"}:
            errors.append(f"{name_of(web)}: probes must be /readyz (readiness) and /healthz (liveness), got {paths}")
    else:
        errors.append("no Deployment explorer-web")

    worker = find(docs, "Deployment", "explorer-worker")
    if worker:
        grace = worker["spec"]["template"]["spec"].get("terminationGracePeriodSeconds", 30)
        if grace <= seconds("WORKER_SHUTDOWN_GRACE_SECS"):
            errors.append(f"{name_of(worker)}: terminationGracePeriodSeconds {grace} must exceed WORKER_SHUTDOWN_GRACE_SECS")
    else:
        errors.append("no Deployment explorer-worker")

    scaled = find(docs, "ScaledObject", "explorer-worker")
    metrics_service = find(docs, "Service", "explorer-web-metrics")
    if scaled and metrics_service:
        port = metrics_service["spec"]["ports"][0]["port"]
        triggers = scaled["spec"].get("triggers", [])
        api = [t for t in triggers if t.get("type") == "metrics-api"]
        if not api:
            errors.append("ScaledObject: no metrics-api trigger")
        for trigger in api:
            meta = trigger.get("metadata", {})
            if f"explorer-web-metrics." not in meta.get("url", "") or f":{port}/metrics" not in meta.get("url", ""):
                errors.append(f"ScaledObject: the trigger must read the web pods' internal Service on port {port}")
            if meta.get("format") != "prometheus" or meta.get("valueLocation") != "explorer_queue_depth":
                errors.append("ScaledObject: the trigger must read explorer_queue_depth in the Prometheus format")
        if "fallback" not in scaled["spec"]:
            errors.append("ScaledObject: a fallback replica count is required")
        if metrics_service["spec"]["ports"][0].get("targetPort") != "metrics":
            errors.append("Service explorer-web-metrics must target the pods' metrics port")
        if data.get("METRICS_ADDR", "").rsplit(":", 1)[-1] != "9463":
            errors.append("METRICS_ADDR must listen on the metrics port 9463")
    else:
        errors.append("no ScaledObject explorer-worker or no Service explorer-web-metrics")
    return errors


def check(docs, node_modules):
    return schema_errors(docs, node_modules) + rule_errors(docs)


def breakages(docs):
    """Copies of the manifests, each broken in one way the checks must catch."""

    def broken(description, change):
        copied = copy.deepcopy(docs)
        change(copied)
        return description, copied

    def deployment(d, name):
        return find(d, "Deployment", name)

    yield broken("an unknown field in a Deployment", lambda d: deployment(d, "explorer-web")["spec"].update(replica=2))
    yield broken(
        "a port number as text",
        lambda d: deployment(d, "explorer-web")["spec"]["template"]["spec"]["containers"][0]["ports"][0].update(
            containerPort="3000"
        ),
    )
    yield broken("a ScaledObject with a wrong type", lambda d: find(d, "ScaledObject", "explorer-worker")["spec"].update(minReplicaCount="one"))
    # KEDA's schema, like most CRDs', lets unknown fields through (the API server prunes them).
    yield broken("a ScaledObject without its target", lambda d: find(d, "ScaledObject", "explorer-worker")["spec"].pop("scaleTargetRef"))
    yield broken(
        "a web grace shorter than the drain",
        lambda d: deployment(d, "explorer-web")["spec"]["template"]["spec"].update(terminationGracePeriodSeconds=10),
    )
    yield broken(
        "a writable root filesystem",
        lambda d: deployment(d, "explorer-worker")["spec"]["template"]["spec"]["containers"][0]["securityContext"].update(
            readOnlyRootFilesystem=False
        ),
    )
    yield broken(
        "the KEDA trigger on the public port",
        lambda d: find(d, "ScaledObject", "explorer-worker")["spec"]["triggers"][0]["metadata"].update(
            url="http://explorer-web.explorer.svc.cluster.local:80/metrics"
        ),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", required=True, help="where @kubernetes-models/keda is installed")
    parser.add_argument("--self-test", action="store_true", help="check that broken manifests fail")
    args = parser.parse_args()
    failed = False
    renderer = "kubectl kustomize" if KUBECTL else "the base's files (no kubectl)"
    for target in TARGETS if KUBECTL else ["base"]:
        docs = render(target)
        errors = check(docs, args.node_modules)
        for error in errors:
            print(f"deploy/{target}: {error}")
        failed |= bool(errors)
        print(f"deploy/{target}: {len(docs)} manifests from {renderer}, {'FAILED' if errors else 'valid'}")
        if args.self_test and target == "base":
            for description, docs_broken in breakages(docs):
                caught = check(docs_broken, args.node_modules)
                print(f"  broken on purpose, {description}: {'caught' if caught else 'NOT CAUGHT'}")
                failed |= not caught
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
