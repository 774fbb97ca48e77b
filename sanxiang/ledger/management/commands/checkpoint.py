"""`sanxiang checkpoint`: sign a ledger checkpoint now and print it; or print the verifier keys."""

from django.core.management.base import BaseCommand

from sanxiang.access.actors import OPERATOR
from sanxiang.ledger import signing
from sanxiang.ledger.actions import do_take_checkpoint


class Command(BaseCommand):
    help = "签发账本检查点（C2SP tlog-checkpoint）并打印；--vkey 打印验签公钥"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="即使树大小未变也签发新的检查点")
        parser.add_argument("--vkey", "--public-key", dest="vkey", action="store_true",
                            help="只打印本部署的验签公钥（C2SP signed-note vkey 格式 "
                                 "<名称>+<公钥标识>+<base64>，第一行 Ed25519，第二行 SM2）；"
                                 "交给核验方保存，供 sanxiang verify --key 使用")

    def handle(self, *args, force=False, vkey=False, **options):
        if vkey:
            # Ed25519 first: the line any standard signed-note verifier (Go sumdb/note) accepts.
            own = signing.signer()
            self.stdout.write(own.ed25519.vkey)
            self.stdout.write(own.sm2.vkey)
            return
        checkpoint = do_take_checkpoint(actor=OPERATOR, force=force)
        self.stdout.write(checkpoint.note, ending="")
