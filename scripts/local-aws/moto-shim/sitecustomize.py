"""Compatibility shim for moto_server, loaded through PYTHONPATH by scripts/local-aws/moto.ts only (the apply
tests and `npm run deploy:local`).

moto 5.2.1 stores the SQS queue attribute RedriveAllowPolicy but never returns it from GetQueueAttributes
(it is missing from Queue.BASE_ATTRIBUTES) and rejects it as an unknown name when asked for it explicitly.
The AWS provider waits after SetQueueAttributes until the value reads back (and, on delete, until it is
gone), so a module that restricts which queues may use a DLQ hangs against plain moto. This shim makes moto
return the stored value, and nothing when it was cleared, as SQS does. It patches only that gap, only when
the running moto still has it. See docs/adr/0002-terraform-module-shape.md.
"""

try:
    from moto.sqs.models import Queue
except Exception:  # moto is not importable in this interpreter: nothing to patch
    Queue = None

if Queue is not None and "RedriveAllowPolicy" not in getattr(Queue, "BASE_ATTRIBUTES", ["RedriveAllowPolicy"]):
    _original_attributes = Queue.attributes

    def _attributes(self):
        result = _original_attributes.fget(self)
        if not result.get("RedriveAllowPolicy"):
            result.pop("RedriveAllowPolicy", None)
        return result

    Queue.BASE_ATTRIBUTES = [*Queue.BASE_ATTRIBUTES, "RedriveAllowPolicy"]
    Queue.redrive_allow_policy = None
    Queue.attributes = property(_attributes)
