"""Group-chat robots (WeCom, DingTalk, Feishu): what one post is, how it is signed and how an answer reads."""
