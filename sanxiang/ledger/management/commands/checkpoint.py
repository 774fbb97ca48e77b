"""`sanxiang checkpoint`: sign a ledger checkpoint now and print it."""

from django.core.management.base import BaseCommand

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import signing
from sanxiang.ledger.actions import do_take_checkpoint


class Command(BaseCommand):
    help = "签发账本检查点（C2SP tlog-checkpoint）并打印；--public-key 打印验签公钥"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="即使树大小未变也签发新的检查点")
        parser.add_argument("--public-key", action="store_true",
                            help="只打印本部署的验签公钥（vkey 格式，可写入 trusted_keys）")

    def handle(self, *args, force=False, public_key=False, **options):
        if public_key:
            own = signing.signer()
            self.stdout.write(own.ed25519.vkey)
            self.stdout.write(own.sm2.vkey)
            return
        checkpoint = do_take_checkpoint(actor=OPERATOR, force=force)
        self.stdout.write(checkpoint.note, ending="")
